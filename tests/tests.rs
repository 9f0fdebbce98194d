//! The CLI as a user runs it: one integration binary (see `util`).

mod util;

mod bad;
mod baseline;
mod catalog;
mod devices;
mod estimate;
mod execution;
mod export;
mod findings;
mod formula_oracle;
mod golden;
mod imports;
mod limits;
mod messages;
mod offerings;
mod plan;
mod report;
mod scenario;
mod snapshot;
mod strategies;
mod uncertainty;
