//! `--data DIR` adds or replaces catalog rows by name: a row of a file
//! under `DIR` replaces the bundled row with the same key (a device's
//! normalized name, a region's `provider:region`, a country's code, an
//! equivalent's key, a grid row's zone and year) or, when none has it, is
//! added after the bundled rows.

/// `base` with every row of `extra` put in place of the row of the same
/// key, or appended; bundled order is kept, added rows follow in file order.
pub fn by_key<T>(base: Vec<T>, extra: Vec<T>, key: impl Fn(&T) -> String) -> Vec<T> {
    let mut out = base;
    for row in extra {
        let k = key(&row);
        match out.iter().position(|r| key(r) == k) {
            Some(i) => out[i] = row,
            None => out.push(row),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn rows_replace_by_key_or_are_added() {
        let base = vec![("a", 1), ("b", 2)];
        let extra = vec![("b", 20), ("c", 3)];
        let merged = super::by_key(base, extra, |r| r.0.to_string());
        // b replaced in place, c added at the end, a kept.
        assert_eq!(merged, vec![("a", 1), ("b", 20), ("c", 3)]);
    }
}
