//! The marks an option carries: the lowest-emission, fastest and knee
//! option among all options, and the same within its strategy.
//!
//! In files (`options.csv`, JSON) a set of marks is one `;`-separated
//! string in a fixed order, `lowest;fastest;knee;strategy-lowest;...`;
//! in the program it is a typed set.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What an option is best at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Lowest emissions (on the ranking metric).
    Lowest,
    /// Shortest wall-clock time.
    Fastest,
    /// The knee of the front.
    Knee,
}

impl Mark {
    /// Every mark, in the order they are written.
    pub const ALL: [Mark; 3] = [Mark::Lowest, Mark::Fastest, Mark::Knee];

    /// The mark's name in files.
    pub fn name(self) -> &'static str {
        match self {
            Mark::Lowest => "lowest",
            Mark::Fastest => "fastest",
            Mark::Knee => "knee",
        }
    }
}

/// Among which options a mark holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// All options.
    Overall,
    /// The options of the row's strategy (written `strategy-` + name).
    Strategy,
}

impl Scope {
    /// The prefix of the scope's marks in files.
    fn prefix(self) -> &'static str {
        match self {
            Scope::Overall => "",
            Scope::Strategy => "strategy-",
        }
    }
}

/// The marks of one option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MarkSet {
    /// Indexed by scope (overall, strategy), then mark (lowest, fastest, knee).
    held: [[bool; 3]; 2],
}

impl MarkSet {
    /// Add a mark.
    pub fn insert(&mut self, scope: Scope, mark: Mark) {
        self.held[scope as usize][mark as usize] = true;
    }

    /// Whether the option carries `mark` in `scope`.
    pub fn has(&self, scope: Scope, mark: Mark) -> bool {
        self.held[scope as usize][mark as usize]
    }

    /// The overall marks it carries, in order.
    pub fn overall(&self) -> impl Iterator<Item = Mark> + '_ {
        Mark::ALL
            .into_iter()
            .filter(|&m| self.has(Scope::Overall, m))
    }

    /// The set of a file's `;`-separated names; unknown names and empty
    /// parts are ignored.
    pub fn parse(text: &str) -> MarkSet {
        let mut set = MarkSet::default();
        for token in text.split(';').map(str::trim) {
            for scope in [Scope::Overall, Scope::Strategy] {
                let Some(name) = token.strip_prefix(scope.prefix()) else {
                    continue;
                };
                if let Some(&m) = Mark::ALL.iter().find(|m| m.name() == name) {
                    set.insert(scope, m);
                }
            }
        }
        set
    }
}

impl From<&str> for MarkSet {
    fn from(text: &str) -> MarkSet {
        MarkSet::parse(text)
    }
}

impl fmt::Display for MarkSet {
    /// `;`-separated: overall marks, then the strategy's, each in the order
    /// lowest, fastest, knee.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for scope in [Scope::Overall, Scope::Strategy] {
            for m in Mark::ALL.into_iter().filter(|&m| self.has(scope, m)) {
                if !first {
                    f.write_str(";")?;
                }
                first = false;
                write!(f, "{}{}", scope.prefix(), m.name())?;
            }
        }
        Ok(())
    }
}

impl Serialize for MarkSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MarkSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<MarkSet, D::Error> {
        let text = String::deserialize(d)?;
        Ok(MarkSet::parse(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_in_a_fixed_order_and_read_back() {
        let mut m = MarkSet::default();
        m.insert(Scope::Strategy, Mark::Lowest);
        m.insert(Scope::Overall, Mark::Knee);
        m.insert(Scope::Overall, Mark::Lowest);
        assert_eq!(m.to_string(), "lowest;knee;strategy-lowest");
        assert_eq!(MarkSet::parse("lowest;knee;strategy-lowest"), m);
        assert_eq!(MarkSet::default().to_string(), "");
        // Repeats, empty parts and unknown names are dropped.
        let odd = MarkSet::parse("knee;;lowest;lowest;best");
        assert_eq!(odd.to_string(), "lowest;knee");
        assert!(!odd.has(Scope::Strategy, Mark::Knee));
    }
}
