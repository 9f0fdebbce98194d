//! "Did you mean" suggestions for names the user typed.
//!
//! One edit-distance ranking serves hardware, regions, countries, scenario
//! keys and formula names, so every suggestion in the tool behaves alike.

/// Levenshtein distance between two strings, compared case-insensitively by
/// character. O(|a|·|b|) time, O(|b|) memory.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// The candidate closest to `query`, if it is close enough to be a likely typo.
pub fn closest<'a>(query: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (query.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (distance(query, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// Up to `n` candidates ranked by closeness to `query` (ties by name), for
/// "the closest names are ..." lists. Candidates containing the query rank
/// first, so a partial name lists its completions.
pub fn ranked<'a>(
    query: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> Vec<&'a str> {
    let q = query.to_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| {
            let contains = !q.is_empty() && c.to_lowercase().contains(&q);
            let d = if contains { 0 } else { 1 + distance(query, c) };
            (d, c)
        })
        .collect();
    scored.sort_unstable();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

/// "a, b or c" for a message.
pub fn or_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => format!("'{}'", one.as_ref()),
        [rest @ .., last] => format!(
            "{} or '{}'",
            rest.iter()
                .map(|s| format!("'{}'", s.as_ref()))
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("Epochs", "epochs"), 0);
    }

    #[test]
    fn closest_finds_typos_only() {
        let names = ["epochs", "batch_size", "learning_rate"];
        assert_eq!(closest("epoch", names), Some("epochs"));
        assert_eq!(closest("batchsize", names), Some("batch_size"));
        assert_eq!(closest("zzz", names), None);
    }

    #[test]
    fn ranked_puts_completions_first() {
        let names = ["A100 SXM4 40GB", "A10G", "V100 PCIe 16GB", "A100 PCIe 80GB"];
        assert_eq!(
            ranked("a100", names, 2),
            vec!["A100 PCIe 80GB", "A100 SXM4 40GB"]
        );
    }

    #[test]
    fn or_list_reads_naturally() {
        assert_eq!(or_list(&["a"]), "'a'");
        assert_eq!(or_list(&["a", "b", "c"]), "'a', 'b' or 'c'");
    }
}
