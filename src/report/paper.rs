//! Paper-ready text: the paragraph that reports a computation's emissions,
//! and the citation of the method, in Markdown or LaTeX.

use crate::estimate::Estimate;
use crate::report::{num, pct};

/// The BibTeX key used in every `\cite`.
pub const CITE_KEY: &str = "lacoste2019quantifying";

/// BibTeX entry of Lacoste, Luccioni, Schmidt and Dandres (2019).
pub const BIBTEX: &str = "@article{lacoste2019quantifying,
  title   = {Quantifying the Carbon Emissions of Machine Learning},
  author  = {Lacoste, Alexandre and Luccioni, Alexandra and Schmidt, Victor and Dandres, Thomas},
  journal = {arXiv preprint arXiv:1910.09700},
  year    = {2019}
}";

/// Which markup a paragraph is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// GitHub-flavoured Markdown.
    Markdown,
    /// LaTeX, with special characters escaped.
    Latex,
}

impl Markup {
    /// Escape text for this markup.
    pub fn escape(self, text: &str) -> String {
        match self {
            // Raw HTML is passed through by most Markdown renderers, and a
            // bar ends a table cell. A lone `&` (W&B) shows as itself.
            Markup::Markdown => text
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('|', "\\|"),
            Markup::Latex => {
                let mut out = String::with_capacity(text.len());
                for c in text.chars() {
                    match c {
                        '%' | '_' | '&' | '#' | '$' | '{' | '}' => {
                            out.push('\\');
                            out.push(c);
                        }
                        '~' => out.push_str("\\textasciitilde{}"),
                        '^' => out.push_str("\\textasciicircum{}"),
                        '\\' => out.push_str("\\textbackslash{}"),
                        _ => out.push(c),
                    }
                }
                out
            }
        }
    }

    /// A citation of the method.
    pub fn cite(self) -> String {
        match self {
            Markup::Markdown => "(Lacoste et al., 2019)".to_string(),
            Markup::Latex => format!("\\cite{{{CITE_KEY}}}"),
        }
    }
}

/// The provider's full name, for prose.
pub fn provider_name(id: &str) -> &str {
    match id {
        "gcp" => "Google Cloud Platform",
        "aws" => "Amazon Web Services",
        "azure" => "Microsoft Azure",
        "ibm" => "IBM Cloud",
        "alibaba" => "Alibaba Cloud",
        "ovh" => "OVHcloud",
        "scaleway" => "Scaleway",
        "oracle" => "Oracle Cloud",
        other => other,
    }
}

/// Where a run happened, for prose.
pub fn infrastructure(e: &Estimate) -> String {
    match (&e.region, &e.country) {
        (Some(r), _) => format!(
            "{} in region {} ({}, {})",
            provider_name(&r.provider),
            r.region,
            r.name,
            r.country
        ),
        (None, Some(c)) => format!("private infrastructure in {} ({})", c.name, c.code),
        (None, None) => "private infrastructure".to_string(),
    }
}

/// The paragraph that reports one estimate, followed by the BibTeX entry.
pub fn estimate_paragraph(e: &Estimate, markup: Markup) -> String {
    let year = e.intensity_year.map_or(String::new(), |y| format!(", {y}"));
    let offset = if e.region.is_some() {
        format!(
            ", of which {} ({} kg) were offset or matched by the cloud provider",
            pct(e.offset_pct),
            num(e.offset_kg)
        )
    } else {
        String::new()
    };
    let embodied = match (e.embodied_kg, e.total_kg) {
        (Some(emb), Some(total)) => format!(
            " Manufacturing the hardware adds an estimated {} kg CO2eq of embodied emissions (amortised over its service life), {} kg in total.",
            num(emb),
            num(total)
        ),
        _ => String::new(),
    };
    let work = match (e.count, e.hours) {
        (Some(count), Some(hours)) => format!("{} hours on {count} × {}", num(hours), e.hardware),
        _ => format!("{} device-hours on {}", num(e.device_hours), e.hardware),
    };
    let extra = if e.extra_kwh > 0.0 {
        format!(
            ", plus {} kWh outside the devices (idle nodes, networking)",
            num(e.extra_kwh)
        )
    } else {
        String::new()
    };
    let text = format!(
        "The computation ran on {infra}, where the grid emits {ci} kg CO2eq per kWh ({source}{year}). \
         It used {work} (power {power} W each, utilization {util}){extra}; with a \
         data-centre PUE of {pue} it drew {kwh} kWh. We estimate its emissions at {kg} kg CO2eq{offset}.{embodied} \
         The estimate was made with co2sweep, following the method of the Machine Learning Emissions Calculator ",
        infra = infrastructure(e),
        ci = num(e.intensity_g_per_kwh / 1000.0),
        source = e.intensity_source,
        power = num(e.power_watts),
        util = num(e.utilization),
        pue = num(e.pue),
        kwh = num(e.energy_kwh),
        kg = num(e.emissions_kg),
    );
    format!(
        "{}{}.\n\n{}\n",
        markup.escape(&text),
        markup.cite(),
        bibliography(markup)
    )
}

/// The BibTeX entry, fenced in Markdown, or as a LaTeX comment block ready
/// to paste into a `.bib` file.
pub fn bibliography(markup: Markup) -> String {
    match markup {
        Markup::Markdown => format!("```bibtex\n{BIBTEX}\n```"),
        Markup::Latex => format!("% Add to your .bib file:\n{BIBTEX}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latex_escapes_specials() {
        assert_eq!(
            Markup::Latex.escape("100% of a_b & c"),
            "100\\% of a\\_b \\& c"
        );
        assert_eq!(Markup::Markdown.escape("100%"), "100%");
        assert_eq!(
            Markup::Markdown.escape("<b>a|b</b> & c"),
            "&lt;b&gt;a\\|b&lt;/b&gt; & c"
        );
    }
}
