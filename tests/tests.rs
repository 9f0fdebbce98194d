//! The CLI as a user runs it: one integration binary (see `util`).

mod util;

mod bad;
mod catalog;
mod estimate;
mod plan;
mod report;
mod scenario;
