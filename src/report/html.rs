//! `report.html`: one self-contained file a reviewer can open offline or
//! attach: the summary, the definitions, the best options, the strategies,
//! the front as a sortable table, the findings, the three charts inline as
//! SVG, the method with its formulas, the data sources and the citation.
//!
//! Nothing is fetched: styles are inline, charts are inline SVG, and the
//! only script (sorting a table by a click on its header) is inline and
//! optional. Tables of options are built from the serialized rows, so any
//! column added to [`OptionRow`] appears without a change here; fields of
//! [`Summary`] this file does not know are listed under "More".

use std::fmt::Write as _;

use serde_json::Value;

use crate::report::paper::{self, Markup};
use crate::report::summary::{OptionRow, Summary};
use crate::report::{num, pct, thousands};

/// The charts to inline: (title, SVG text).
pub type Charts<'a> = [(&'a str, &'a [u8])];

/// One-line definitions of the words every report uses.
pub const DEFINITIONS: [(&str, &str); 3] = [
    ("option", "one search strategy run on one candidate device in one candidate region (or electricity grid), with all its trials"),
    ("region", "a cloud provider's data-centre region, or a country's electricity grid for private infrastructure"),
    ("quality", "the chance that at least one trial lands in the best top fraction of the search space (e.g. P(top 5%))"),
];

/// The report of a plan (`summary`), or of rows alone (`co2sweep chart`).
pub fn report(summary: Option<&Summary>, rows: &[OptionRow], charts: &Charts) -> String {
    let title = summary.map_or_else(
        || {
            rows.first()
                .map_or("co2sweep".to_string(), |r| r.scenario.clone())
        },
        |s| s.scenario.clone(),
    );
    let mut out = String::with_capacity(1 << 16);
    head(&mut out, &title);
    match summary {
        Some(s) => plan_sections(&mut out, s),
        None => {
            let front: Vec<&OptionRow> = rows.iter().filter(|r| r.pareto_rank == 1).collect();
            let _ = writeln!(
                out,
                "<p>Redrawn from an options.csv: {} options, {} on the Pareto front.</p>",
                thousands(rows.len() as f64),
                front.len()
            );
            definitions(&mut out);
            let _ = writeln!(out, "<h2 id=\"front\">Pareto front</h2>");
            option_table(&mut out, &front);
        }
    }
    let _ = writeln!(out, "<h2 id=\"charts\">Charts</h2>");
    for (name, svg) in charts {
        let _ = writeln!(
            out,
            "<figure><div class=\"chart\">{}</div><figcaption>{}</figcaption></figure>",
            inline_svg(svg),
            esc(name)
        );
    }
    if let Some(s) = summary {
        tail_sections(&mut out, s);
    }
    let _ = writeln!(out, "<footer>Made with co2sweep.</footer>");
    let _ = writeln!(out, "<script>{SORT}</script>\n</body>\n</html>");
    out
}

/// The document head, styles and title.
fn head(out: &mut String, title: &str) {
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{t}: planned energy and emissions</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>Planned energy and emissions: {t}</h1>",
        t = esc(title)
    );
}

/// Summary, definitions, best options, strategies, front and findings.
fn plan_sections(out: &mut String, s: &Summary) {
    let _ = writeln!(
        out,
        "<p class=\"lead\">From <code>{}</code> (seed {}): {} strategies × {} devices × {} regions = {} options, \
         ranked on wall-clock time against {} emissions, on {} concurrent devices.</p>",
        esc(&s.scenario_file),
        s.seed,
        s.strategies.len(),
        s.hardware_candidates,
        s.site_candidates,
        thousands(s.options_evaluated as f64),
        esc(&format!("{:?}", s.metric).to_lowercase()),
        s.max_concurrent_devices
    );
    definitions(out);
    let _ = writeln!(out, "<h2 id=\"best\">Best options</h2>");
    let seen = crate::report::text::best_options(s);
    let _ = writeln!(out, "<ul>");
    for (what, r) in &seen {
        let _ = writeln!(
            out,
            "<li><b>{}</b>: {} search on {}: {}.</li>",
            esc(what),
            esc(&r.strategy.replace('_', " ")),
            esc(&r.label()),
            esc(&crate::report::text::figures(r, s.metric))
        );
    }
    if s.overall.knee.is_none() {
        let _ = writeln!(
            out,
            "<li><b>balanced (knee)</b>: {}.</li>",
            crate::report::text::NO_KNEE
        );
    }
    let _ = writeln!(out, "</ul>");
    let _ = writeln!(out, "<h2 id=\"strategies\">Strategies</h2>");
    let q = pct(s.top_fraction * 100.0);
    let _ = writeln!(
        out,
        "<p>Each strategy at its lowest-emission option; quality is P(top {q}).</p>"
    );
    let best: Vec<&OptionRow> = s
        .strategies
        .iter()
        .map(|st| &st.best.lowest_emissions)
        .collect();
    option_table(out, &best);
    let _ = writeln!(
        out,
        "<h2 id=\"front\">Pareto front ({} options)</h2>",
        s.front.len()
    );
    let _ = writeln!(out, "<p>Click a column header to sort.</p>");
    option_table(out, &s.front.iter().collect::<Vec<_>>());
    let _ = writeln!(out, "<h2 id=\"findings\">Findings</h2>\n<ul>");
    for f in &s.findings {
        let _ = writeln!(out, "<li>{}</li>", esc(f));
    }
    if let Some(line) = &s.uncertainty.sensitivity_line {
        let _ = writeln!(out, "<li>{}</li>", esc(line));
    }
    let _ = writeln!(out, "</ul>");
}

/// Paragraph, method, data, unknown fields and citation.
fn tail_sections(out: &mut String, s: &Summary) {
    let _ = writeln!(out, "<h2 id=\"paragraph\">Paragraph for the paper</h2>");
    let _ = writeln!(
        out,
        "<blockquote>{}</blockquote>",
        esc(&crate::report::paragraph::paragraph(s, Markup::Markdown))
    );
    let _ = writeln!(out, "<h2 id=\"method\">Method</h2>\n<ul>");
    for m in &s.method {
        let _ = writeln!(out, "<li>{}</li>", esc(m));
    }
    let _ = writeln!(out, "</ul>\n<h2 id=\"data\">Data sources and licences</h2>");
    let _ = writeln!(out, "<p>{}</p>\n<ul>", esc(&s.sources));
    for d in &s.data {
        let origin = serde_json::to_value(&d.origin).map_or(String::new(), |v| scalar(&v));
        let _ = writeln!(
            out,
            "<li><code>{}</code>: {}</li>",
            esc(&d.file),
            esc(&origin)
        );
    }
    let _ = writeln!(out, "</ul>");
    more(out, s);
    let _ = writeln!(out, "<h2 id=\"citation\">Citation</h2>");
    let _ = writeln!(
        out,
        "<p>{}</p>",
        esc(&paper::bibliography(Markup::Markdown))
    );
    let _ = writeln!(out, "<pre>{}</pre>", esc(&s.citation));
}

/// The definitions, one line each.
fn definitions(out: &mut String) {
    let _ = writeln!(out, "<dl class=\"defs\">");
    for (term, meaning) in DEFINITIONS {
        let _ = writeln!(out, "<dt>{term}</dt><dd>{}</dd>", esc(meaning));
    }
    let _ = writeln!(out, "</dl>");
}

/// Summary fields this file does not render, as name: value.
fn more(out: &mut String, s: &Summary) {
    const KNOWN: [&str; 17] = [
        "scenario",
        "scenario_file",
        "seed",
        "metric",
        "top_fraction",
        "options_evaluated",
        "hardware_candidates",
        "site_candidates",
        "max_concurrent_devices",
        "strategies",
        "overall",
        "front",
        "findings",
        "method",
        "data",
        "sources",
        "citation",
    ];
    let Ok(Value::Object(map)) = serde_json::to_value(s) else {
        return;
    };
    let extra: Vec<(&String, &Value)> = map
        .iter()
        .filter(|(k, _)| !KNOWN.contains(&k.as_str()))
        .collect();
    if extra.is_empty() {
        return;
    }
    let _ = writeln!(out, "<h2 id=\"more\">More</h2>\n<dl>");
    for (k, v) in extra {
        let _ = writeln!(
            out,
            "<dt>{}</dt><dd>{}</dd>",
            esc(&k.replace('_', " ")),
            esc(&scalar(v))
        );
    }
    let _ = writeln!(out, "</dl>");
}

/// A table of options, one column per CSV column (in the CSV's order),
/// numbers rounded for reading (the CSV files carry them in full).
fn option_table(out: &mut String, rows: &[&OptionRow]) {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        let _ = w.serialize(r);
    }
    let bytes = w.into_inner().unwrap_or_default();
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let headers = reader.headers().cloned().unwrap_or_default();
    if rows.is_empty() || headers.is_empty() {
        let _ = writeln!(out, "<p>No options.</p>");
        return;
    }
    let hidden = |k: &str| matches!(k, "scenario" | "metric");
    let _ = writeln!(
        out,
        "<div class=\"scroll\"><table class=\"sortable\">\n<thead><tr>"
    );
    for k in headers.iter().filter(|k| !hidden(k)) {
        let _ = write!(out, "<th>{}</th>", esc(&k.replace('_', " ")));
    }
    let _ = writeln!(out, "</tr></thead>\n<tbody>");
    for record in reader.records().flatten() {
        let _ = write!(out, "<tr>");
        for (k, v) in headers
            .iter()
            .zip(record.iter())
            .filter(|(k, _)| !hidden(k))
        {
            let cell = match v.parse::<f64>() {
                Ok(x) if !k.ends_with("year") => {
                    format!("<td class=\"n\" data-v=\"{x}\">{}</td>", esc(&num(x)))
                }
                _ => format!("<td>{}</td>", esc(v)),
            };
            out.push_str(&cell);
        }
        let _ = writeln!(out, "</tr>");
    }
    let _ = writeln!(out, "</tbody></table></div>");
}

/// A JSON value for reading: numbers rounded, strings as they are.
fn scalar(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        Value::Number(n) => n.as_f64().map_or(n.to_string(), num),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(scalar).collect::<Vec<_>>().join("; "),
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| format!("{k}: {}", scalar(v)))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The SVG document without an XML prolog, scalable by CSS.
fn inline_svg(svg: &[u8]) -> String {
    let text = String::from_utf8_lossy(svg);
    let start = text.find("<svg").unwrap_or(0);
    text[start..].to_string()
}

/// Text escaped for HTML.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#191919;line-height:1.45}\
h1{font-size:1.7rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ddd}\
.lead{font-size:1.05rem}dl.defs{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}\
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.85rem}th,td{padding:.25rem .5rem;border-bottom:1px solid #eee;text-align:left;white-space:nowrap}\
th{background:#f4f4f4;cursor:pointer;position:sticky;top:0}td.n{text-align:right;font-variant-numeric:tabular-nums}\
figure{margin:1rem 0}.chart svg{max-width:100%;height:auto;border:1px solid #eee}figcaption{color:#555;font-size:.9rem}\
blockquote{border-left:4px solid #0072b2;margin:0;padding:.5rem 1rem;background:#f7fbfd}pre{background:#f4f4f4;padding:1rem;overflow-x:auto}\
footer{margin-top:3rem;color:#777;font-size:.85rem}";

/// Sort a table by the clicked column: numbers by value, text by text.
const SORT: &str = "document.querySelectorAll('table.sortable th').forEach(function(th,i){th.addEventListener('click',function(){\
var tb=th.closest('table').tBodies[0];var rows=Array.prototype.slice.call(tb.rows);var up=th.dataset.up!=='1';th.dataset.up=up?'1':'0';\
rows.sort(function(a,b){var x=a.cells[i],y=b.cells[i];var p=x.dataset.v,q=y.dataset.v;\
var c=(p!==undefined&&q!==undefined)?(parseFloat(p)-parseFloat(q)):x.textContent.localeCompare(y.textContent);return up?c:-c;});\
rows.forEach(function(r){tb.appendChild(r);});});});";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn rows_alone_give_a_self_contained_page_with_the_front() {
        let rows: Vec<OptionRow> = Vec::new();
        let svg = b"<?xml version=\"1.0\"?><svg viewBox=\"0 0 10 10\"></svg>";
        let html = report(None, &rows, &[("Pareto", svg)]);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<svg viewBox"));
        assert!(!html.contains("<?xml"));
        // Self-contained: no external reference of any kind.
        for needle in ["http://", "https://", "src=", "<link", "@import"] {
            assert!(!html.contains(needle), "{needle}");
        }
    }
}
