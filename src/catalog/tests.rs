//! Unit tests of the catalog.

use super::*;

fn catalog() -> Catalog {
    Catalog::bundled().expect("the bundled catalog loads")
}

#[test]
fn normalize_drops_case_punctuation_and_prefixes() {
    assert_eq!(normalize("Tesla V100-SXM2-16GB"), "v100sxm216gb");
    assert_eq!(normalize("NVIDIA A100-SXM4-40GB"), "a100sxm440gb");
    assert_eq!(normalize("v100 sxm2 16gb"), "v100sxm216gb");
}

#[test]
fn device_lookup_is_forgiving() {
    let c = catalog();
    let d = c.device("tesla v100-sxm2-16gb").unwrap();
    assert_eq!(d.name, "V100 SXM2 16GB");
}

#[test]
fn ambiguous_device_is_an_error_naming_the_choices() {
    let c = catalog();
    let message = c.device("V100").unwrap_err().to_string();
    assert!(message.contains("ambiguous"), "{message}");
    assert!(message.contains("V100 SXM2 16GB"), "{message}");
    assert!(message.contains("V100 PCIe"), "{message}");
}

#[test]
fn unknown_device_suggests_close_names() {
    let message = catalog().device("H101 SXM").unwrap_err().to_string();
    assert!(message.contains("unknown hardware 'H101 SXM'"), "{message}");
    assert!(message.contains("H100 SXM"), "{message}");
}

#[test]
fn region_lookup() {
    let c = catalog();
    assert_eq!(c.region("GCP:europe-north1").unwrap().country, "FI");
    assert_eq!(c.region("google:europe-north1").unwrap().provider, "gcp");
    let message = c.region("gcp:europe-north9").unwrap_err().to_string();
    assert!(message.contains("gcp:europe-north1"), "{message}");
    let message = c.region("gpc:us-east1").unwrap_err().to_string();
    assert!(message.contains("unknown provider 'gpc'"), "{message}");
}

#[test]
fn country_lookup_by_code_or_name() {
    let c = catalog();
    assert_eq!(c.country("fr").unwrap().code, "FR");
    assert_eq!(c.country("France").unwrap().code, "FR");
    assert!(c
        .country("Frnace")
        .unwrap_err()
        .to_string()
        .contains("France"));
}

#[test]
fn malformed_csv_names_file_line_and_column() {
    let text = "key,description,kg_co2_per_unit,unit,source,year\n\
                car_km,a car,0.4,km,EPA,2024\n\
                coal_kg,coal,lots,kg,EPA,2024\n";
    let err = parse_rows::<Equivalent>(Path::new("x/equivalents.csv"), text, check_equivalent)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("x/equivalents.csv:3:3: column 3 ('kg_co2_per_unit')"),
        "{err}"
    );
}

#[test]
fn out_of_range_value_names_its_line() {
    let text = "key,description,kg_co2_per_unit,unit,source,year\ncar_km,a car,-1,km,EPA,2024\n";
    let err = parse_rows::<Equivalent>(Path::new("e.csv"), text, check_equivalent)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("e.csv:2:1: kg_co2_per_unit is -1"), "{err}");
}
