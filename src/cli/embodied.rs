//! `--embodied` and its five `--embodied-*`/lifetime flags: one flattened
//! group, turned into the library's [`Overrides`] in one place.

use clap::Args;
use co2sweep::embodied::Overrides;

/// Embodied (manufacturing) emissions: whether to add them, and overrides
/// of the catalog's lifecycle figures.
#[derive(Args, Debug, Clone)]
pub struct EmbodiedArgs {
    /// Add embodied (manufacturing) emissions amortised over the device's life: embodied_kg and total_kg.
    #[arg(long)]
    pub embodied: bool,

    /// Embodied emissions of one device, kg CO2eq [default: the catalog's figure].
    #[arg(
        long,
        value_name = "KG",
        requires = "embodied",
        allow_negative_numbers = true
    )]
    pub embodied_device_kg: Option<f64>,

    /// Embodied emissions of its host server, kg CO2eq [default: the catalog's figure].
    #[arg(
        long,
        value_name = "KG",
        requires = "embodied",
        allow_negative_numbers = true
    )]
    pub embodied_server_kg: Option<f64>,

    /// Devices one server holds [default: the catalog's figure].
    #[arg(
        long,
        value_name = "N",
        requires = "embodied",
        allow_negative_numbers = true
    )]
    pub devices_per_server: Option<f64>,

    /// Service life of the hardware, years [default: 6, Luccioni et al. 2023].
    #[arg(
        long,
        value_name = "YEARS",
        requires = "embodied",
        allow_negative_numbers = true
    )]
    pub lifetime_years: Option<f64>,

    /// Share of its life the hardware is busy, within (0, 1] [default: 0.85, Luccioni et al. 2023].
    #[arg(
        long,
        value_name = "U",
        requires = "embodied",
        allow_negative_numbers = true
    )]
    pub lifetime_utilization: Option<f64>,
}

impl EmbodiedArgs {
    /// The overrides, when `--embodied` is given.
    pub fn overrides(&self) -> Option<Overrides> {
        self.embodied.then_some(Overrides {
            device_kg: self.embodied_device_kg,
            server_kg: self.embodied_server_kg,
            devices_per_server: self.devices_per_server,
            lifetime_years: self.lifetime_years,
            lifetime_utilization: self.lifetime_utilization,
        })
    }
}
