//! The continent of a country, so `catalog regions --filter europe` finds
//! regions named only by city or code ("EU (Ireland)", `eu-west-1`). The
//! grouping is the UN M49 geoscheme's, for the countries that host cloud
//! regions in the catalog; other codes have none.

/// Continent names by ISO 3166-1 alpha-2 code (UN M49 regions).
const CONTINENTS: [(&str, &[&str]); 6] = [
    (
        "Europe",
        &[
            "AT", "BE", "BG", "CH", "CZ", "DE", "DK", "ES", "FI", "FR", "GB", "GR", "IE", "IT",
            "LU", "NL", "NO", "PL", "PT", "RO", "SE",
        ],
    ),
    ("North America", &["CA", "MX", "US"]),
    ("South America", &["AR", "BR", "CL", "CO"]),
    (
        "Asia",
        &[
            "AE", "BH", "CN", "HK", "ID", "IL", "IN", "JP", "KR", "MY", "QA", "SA", "SG", "TH",
            "TW",
        ],
    ),
    ("Oceania", &["AU", "NZ"]),
    ("Africa", &["EG", "KE", "NG", "ZA"]),
];

/// The continent of `code` (case-insensitive), or "" when unknown.
pub fn of(code: &str) -> &'static str {
    let code = code.trim().to_ascii_uppercase();
    let country = code.split('-').next().unwrap_or("");
    CONTINENTS
        .iter()
        .find(|(_, codes)| codes.contains(&country))
        .map_or("", |(name, _)| name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn continents_by_code() {
        assert_eq!(super::of("ie"), "Europe");
        assert_eq!(super::of("US-CA"), "North America");
        assert_eq!(super::of("XX"), "");
    }
}
