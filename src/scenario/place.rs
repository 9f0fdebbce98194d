//! Where a candidate site is, for people: "Paris, France", and whether the
//! scenario listed it by name (not through `provider:*` or `"*"`), so the
//! charts never hide a region the user asked for.

use crate::catalog::{Catalog, Region};

/// A site's place name and whether it was named explicitly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// "City, Country" (or the country alone when the city is unknown).
    pub name: String,
    /// Listed by name in `[regions] candidates`.
    pub named: bool,
}

/// One [`Place`] per site, in site order. `patterns` are the entries of
/// `[regions] candidates`; those without a wildcard name a site.
pub fn places(catalog: &Catalog, patterns: &[String], sites: &[Region]) -> Vec<Place> {
    let named: Vec<(String, String)> = patterns
        .iter()
        .map(|p| p.trim())
        .filter(|p| *p != "*" && !p.ends_with(":*"))
        .filter_map(|p| match p.strip_prefix("country:") {
            Some(code) => catalog
                .country(code)
                .ok()
                .map(|c| ("country".to_string(), c.code.clone())),
            None => catalog
                .region(p)
                .ok()
                .map(|r| (r.provider.clone(), r.region.clone())),
        })
        .collect();
    sites
        .iter()
        .map(|s| Place {
            name: place_name(catalog, s),
            named: named
                .iter()
                .any(|(p, r)| *p == s.provider && *r == s.region),
        })
        .collect()
}

/// "Location, Country name"; the country alone when the location is empty
/// or is the country; the location alone when the country is unknown.
fn place_name(catalog: &Catalog, s: &Region) -> String {
    let country = catalog.country(&s.country).ok().map(|c| c.name.clone());
    let location = s.location.trim();
    match country {
        Some(c) if location.is_empty() || location == c || s.provider == "country" => c,
        Some(c) => format!("{location}, {c}"),
        None if !location.is_empty() => location.to_string(),
        None => s.name.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_name_city_and_country_and_mark_named_sites() {
        let catalog = Catalog::bundled().unwrap();
        let patterns = ["gcp:*".to_string(), "aws:eu-west-1".to_string()];
        let ireland = catalog.region("aws:eu-west-1").unwrap().clone();
        let gcp: Vec<Region> = catalog
            .regions
            .iter()
            .filter(|r| r.provider == "gcp")
            .take(2)
            .cloned()
            .collect();
        let sites = [gcp.clone(), vec![ireland]].concat();
        let p = places(&catalog, &patterns, &sites);
        // aws:eu-west-1 is listed by name; the gcp regions only by "gcp:*".
        assert_eq!(p.iter().filter(|p| p.named).count(), 1);
        assert!(p[2].named);
        // regions.csv: eu-west-1 is in Dublin, IE = Ireland (countries.csv).
        assert_eq!(p[2].name, "Dublin, Ireland");
    }
}
