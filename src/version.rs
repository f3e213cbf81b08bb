//! API versions as the vendors name them (`v1_7`, `11.32`, `2024E`) and ranges of
//! them, as scenarios and known deviations state what they apply to. A version
//! is compared by its numbers in order: `v1_10` is newer than `v1_9`.

use std::cmp::Ordering;
use std::fmt;

/// A version: its name and the numbers in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    name: String,
    numbers: Vec<u64>,
}

impl Version {
    /// A version from its name; `None` when the name has no number.
    pub fn parse(name: &str) -> Option<Version> {
        let numbers: Vec<u64> = name
            .split(|c: char| !c.is_ascii_digit())
            .filter(|p| !p.is_empty())
            .map(|p| p.parse().unwrap_or(u64::MAX))
            .collect();
        (!numbers.is_empty()).then(|| Version {
            name: name.to_string(),
            numbers,
        })
    }

    /// The name the vendor gives it.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let len = self.numbers.len().max(other.numbers.len());
        let at = |v: &Version, i: usize| v.numbers.get(i).copied().unwrap_or(0);
        (0..len)
            .map(|i| at(self, i).cmp(&at(other, i)))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// `>= v1_4`, `< v1_7`, `= v1_5`, or several joined by commas (all must hold).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRange {
    source: String,
    bounds: Vec<(Ordering, bool, Version)>,
}

impl VersionRange {
    /// Parses a range; the error says which part is wrong.
    pub fn parse(text: &str) -> Result<VersionRange, String> {
        let mut bounds = Vec::new();
        for part in text.split(',').map(str::trim) {
            let (op, rest) = [
                (">=", (Ordering::Greater, true)),
                ("<=", (Ordering::Less, true)),
                (">", (Ordering::Greater, false)),
                ("<", (Ordering::Less, false)),
                ("=", (Ordering::Equal, true)),
            ]
            .into_iter()
            .find_map(|(p, op)| part.strip_prefix(p).map(|r| (op, r)))
            .ok_or_else(|| format!("`{part}`: a bound starts with >=, >, <=, < or ="))?;
            let version = Version::parse(rest.trim())
                .ok_or_else(|| format!("`{part}`: `{}` is not a version", rest.trim()))?;
            bounds.push((op.0, op.1, version));
        }
        Ok(VersionRange {
            source: text.to_string(),
            bounds,
        })
    }

    /// Whether `version` is in the range.
    pub fn contains(&self, version: &Version) -> bool {
        self.bounds.iter().all(|(direction, inclusive, bound)| {
            let o = version.cmp(bound);
            o == *direction || (*inclusive && o == Ordering::Equal)
        })
    }
}

impl fmt::Display for VersionRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl<'de> serde::Deserialize<'de> for VersionRange {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        VersionRange::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn orders_by_numbers() {
        assert!(v("v1_10") > v("v1_9"));
        assert!(v("v1") < v("v1_1"));
        assert_eq!(v("v1").cmp(&v("v1_0")), Ordering::Equal);
        assert!(v("11.32") > v("11.28"));
        assert!(Version::parse("latest").is_none());
        assert_eq!(v("v1_7").to_string(), "v1_7");
        assert_eq!(v("v1_7").name(), "v1_7");
    }

    #[test]
    fn ranges() {
        let r = VersionRange::parse(">= v1_4, < v1_7").unwrap();
        assert!(r.contains(&v("v1_4")) && r.contains(&v("v1_6")));
        assert!(!r.contains(&v("v1_3")) && !r.contains(&v("v1_7")));
        assert!(VersionRange::parse("= v1_5").unwrap().contains(&v("v1_5")));
        assert!(!VersionRange::parse("> v1_5").unwrap().contains(&v("v1_5")));
        assert!(VersionRange::parse("<= v1_5").unwrap().contains(&v("v1_5")));
        assert!(VersionRange::parse("~ v1")
            .unwrap_err()
            .contains("starts with"));
        assert!(VersionRange::parse(">= x")
            .unwrap_err()
            .contains("not a version"));
    }
}
