//! The commented scenario template `co2sweep init` writes: every common key
//! with a one-line explanation, valid as written (a test checks it).

/// The template's text.
pub const TEMPLATE: &str = include_str!("template.toml");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_is_a_valid_scenario() {
        let catalog = crate::catalog::Catalog::bundled().unwrap();
        let path = std::path::Path::new("scenario.toml");
        let s = crate::scenario::parse(path, TEMPLATE, &catalog, Default::default()).unwrap();
        assert_eq!(s.name, "My sweep");
        // Three strategies: grid, random, hyperband.
        assert_eq!(s.strategies.len(), 3);
    }
}
