//! `--data DIR` adds or replaces catalog rows by name: a row of a file
//! under `DIR` replaces the bundled row with the same key (a device's
//! normalized name, a region's `provider:region`, a country's code, an
//! equivalent's key, a grid row's zone and year) or, when none has it, is
//! added after the bundled rows.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

/// `base` with every row of `extra` put in place of the row of the same
/// key, or appended; bundled order is kept, added rows follow in file order.
/// `Err((first, second, key))`, 1-based rows of `extra`, when two of them
/// share a key: a `--data` table names each entry once.
pub fn by_key<T>(
    base: Vec<T>,
    extra: Vec<T>,
    key: impl Fn(&T) -> String,
) -> Result<Vec<T>, (usize, usize, String)> {
    let mut out = base;
    // Each key's first row in `out`, so a row replaces the first of its key
    // as a scan from the top would find it (20,000 rows scanned each
    // other's keys for 19 s), and the row of `extra` that put it there.
    let mut first: HashMap<String, (usize, Option<usize>)> =
        HashMap::with_capacity(out.len() + extra.len());
    for (i, r) in out.iter().enumerate() {
        first.entry(key(r)).or_insert((i, None));
    }
    for (j, row) in extra.into_iter().enumerate() {
        match first.entry(key(&row)) {
            Entry::Occupied(mut e) => {
                let (at, by) = *e.get();
                if let Some(earlier) = by {
                    return Err((earlier + 1, j + 1, e.key().clone()));
                }
                out[at] = row;
                e.get_mut().1 = Some(j);
            }
            Entry::Vacant(e) => {
                e.insert((out.len(), Some(j)));
                out.push(row);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn rows_replace_by_key_or_are_added() {
        let base = vec![("a", 1), ("b", 2)];
        let extra = vec![("b", 20), ("c", 3)];
        let merged = super::by_key(base, extra, |r| r.0.to_string()).unwrap();
        // b replaced in place, c added at the end, a kept.
        assert_eq!(merged, vec![("a", 1), ("b", 20), ("c", 3)]);
    }

    #[test]
    fn a_key_twice_is_found_with_its_rows() {
        let rows = [("a", 1), ("b", 2), ("c", 3), ("b", 4)];
        assert_eq!(
            super::by_key(vec![("b", 0)], rows.to_vec(), |r| r.0.to_string()),
            Err((2, 4, "b".to_string()))
        );
        assert_eq!(
            super::by_key(vec![("b", 0)], rows[..3].to_vec(), |r| r.0.to_string()),
            Ok(vec![("b", 2), ("a", 1), ("c", 3)])
        );
    }
}
