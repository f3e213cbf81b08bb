//! What bless writes: the contract a response shows, not the moment it was
//! recorded. A recording pins everything one server said once (every link,
//! every session open at that instant, the host's domain); a golden a person
//! keeps pins what the vendor fixes and leaves open what varies between its
//! versions, its installations and the moment. The vendor knowledge says which
//! is which (`contract:` in `src/knowledge/*/knowledge.yaml`, extended by a
//! suite's `knowledge/versions.yaml`); this module applies it to a recording
//! and says what it decided, so that a person can check it.

mod json;
mod names;
mod xml;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::placeholder::Bindings;

/// A vendor's rules for what a golden keeps and what it leaves open.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// Repeated items whose number and order vary (sessions, links).
    #[serde(default)]
    pub sets: Vec<SetRule>,
    /// Attributes, members or children some documented version leaves out.
    #[serde(default)]
    pub optional: Vec<OptionalRule>,
    /// Elements or objects to which newer versions add attributes, members or children.
    #[serde(default)]
    pub open: Vec<OpenRule>,
}

/// Items that form a set: their parent (XML) or array (JSON) matches them in
/// any order and allows others; only the items the rule keeps are pinned.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetRule {
    /// The items' local names in XML (`Link`): their parent is the set.
    #[serde(default)]
    pub items: Vec<String>,
    /// The names of the JSON members whose arrays are the set (`Links`).
    #[serde(default)]
    pub arrays: Vec<String>,
    /// Keep the caller's own item: the one that names a captured value
    /// (its session id), else one that names a variable (its account).
    #[serde(default)]
    pub own: bool,
    /// Keep the items whose attributes (members) have these values, one per
    /// entry; an entry is the `NAME: VALUE` pairs an item must all have.
    #[serde(default)]
    pub keep: Vec<BTreeMap<String, String>>,
    /// Where the vendor documents that the set varies.
    pub source: String,
}

/// Attributes, members or child elements that a documented version leaves
/// out: bless does not pin them and lets the element have them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionalRule {
    /// Whose: element local names or JSON member names; `/` is a document's root.
    pub of: Vec<String>,
    /// The attributes, members or child elements that may be missing.
    pub members: Vec<String>,
    /// Only where the element has these attribute (member) values; `"*"`
    /// is any value, and a child element or member of that name counts.
    #[serde(default)]
    pub when: BTreeMap<String, String>,
    /// Where the versions' difference is documented.
    pub source: String,
}

/// Elements or objects that newer versions extend.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenRule {
    /// Element local names or JSON member names; `/` is a document's root.
    pub of: Vec<String>,
    /// Only where the element has these attribute (member, child) values.
    #[serde(default)]
    pub when: BTreeMap<String, String>,
    /// The root's name too is left open (a root the vendor never publishes).
    #[serde(default)]
    pub name: bool,
    /// Where the vendor documents the additions.
    pub source: String,
}

impl Contract {
    /// Why the rules cannot be used, one line each.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (i, s) in self.sets.iter().enumerate() {
            if s.items.is_empty() && s.arrays.is_empty() {
                out.push(format!(
                    "contract set {}: `items` (XML) or `arrays` (JSON) names what the set holds",
                    i + 1
                ));
            }
            if s.own && !s.keep.is_empty() {
                out.push(format!(
                    "contract set {}: `own` and `keep` both choose the items kept; give one",
                    i + 1
                ));
            }
        }
        for (i, o) in self.optional.iter().enumerate() {
            if o.of.is_empty() || o.members.is_empty() {
                out.push(format!(
                    "contract optional {}: `of` and `members` each name at least one",
                    i + 1
                ));
            }
        }
        out
    }

    /// The suite's rules added to the tool's.
    pub fn extended(mut self, own: Contract) -> Contract {
        self.sets.extend(own.sets);
        self.optional.extend(own.optional);
        self.open.extend(own.open);
        self
    }

    fn set_of_items(&self, name: &str) -> Option<&SetRule> {
        self.sets.iter().find(|s| s.items.iter().any(|i| i == name))
    }

    fn set_of_array(&self, name: &str) -> Option<&SetRule> {
        self.sets
            .iter()
            .find(|s| s.arrays.iter().any(|i| i == name))
    }

    fn open_for<'c>(
        &'c self,
        name: &'c str,
        root: bool,
        value_of: &'c dyn Fn(&str) -> Option<String>,
    ) -> Option<&'c OpenRule> {
        self.open
            .iter()
            .find(|o| names_it(&o.of, name, root) && holds(&o.when, value_of))
    }

    fn optional_for<'c>(
        &'c self,
        name: &'c str,
        root: bool,
        value_of: &'c dyn Fn(&str) -> Option<String>,
    ) -> impl Iterator<Item = &'c OptionalRule> + 'c {
        self.optional
            .iter()
            .filter(move |o| names_it(&o.of, name, root) && holds(&o.when, value_of))
    }
}

fn holds(when: &BTreeMap<String, String>, value_of: &dyn Fn(&str) -> Option<String>) -> bool {
    when.iter().all(|(k, v)| match value_of(k) {
        Some(found) => v == "*" || found == *v,
        None => false,
    })
}

fn names_it(names: &[String], name: &str, root: bool) -> bool {
    names.iter().any(|n| n == name || (root && n == "/"))
}

/// What bless knows of the use a recording came from.
#[derive(Debug, Clone, Copy)]
pub struct Context<'c> {
    /// The variables the step had (captures among them).
    pub bindings: &'c Bindings,
    /// A fragment's step: the names its golden may use (its parameters and
    /// captures); empty for a scenario's own step.
    pub scope: &'c [String],
    /// Values never written into a golden.
    pub secrets: &'c [String],
}

/// A recorded golden rewritten as the contract: the text, and a line for
/// each thing decided.
pub fn apply(
    path: &Path,
    text: &str,
    contract: &Contract,
    context: Context,
) -> Result<(String, Vec<String>), String> {
    let named = names::Names::new(context);
    match path.extension().and_then(|e| e.to_str()) {
        Some("xml") => xml::apply(text, contract, &named),
        Some("json") => json::apply(text, contract, &named),
        _ => Err(format!("{}: not an .xml or .json golden", path.display())),
    }
}

/// The items of a set a rule keeps, among `candidates`: the caller's own
/// (and whether it is known by its account only), or those with the values
/// `keep` names. `placeholders_of` and `value_of` read an item in its format.
fn choose(
    candidates: &[usize],
    rule: &SetRule,
    bindings: &Bindings,
    placeholders_of: impl Fn(usize) -> Vec<String>,
    value_of: impl Fn(usize, &str) -> Option<String>,
) -> (Vec<usize>, bool) {
    if rule.own {
        let score = |i: &usize| ownership(&placeholders_of(*i), bindings);
        let best = candidates.iter().map(score).max().unwrap_or(0);
        let own = candidates.iter().find(|i| best > 0 && score(i) == best);
        return (own.copied().into_iter().collect(), best == 1);
    }
    let mut kept = Vec::new();
    for wanted in &rule.keep {
        let hit = candidates.iter().find(|i| {
            wanted
                .iter()
                .all(|(k, v)| value_of(**i, k).as_deref() == Some(v.as_str()))
        });
        if let Some(i) = hit.filter(|i| !kept.contains(*i)) {
            kept.push(*i);
        }
    }
    (kept, false)
}

/// Which kept item of a set is the caller's own: 2 names a captured value,
/// 1 a variable, 0 neither.
fn ownership(placeholders: &[String], bindings: &Bindings) -> u8 {
    let captured = placeholders
        .iter()
        .any(|p| bindings.templatized.contains(p));
    if captured {
        2
    } else if placeholders.iter().any(|p| bindings.vars.contains_key(p)) {
        1
    } else {
        0
    }
}

/// The `{{NAME}}` placeholders a value holds.
fn placeholders_in(value: &str, out: &mut Vec<String>) {
    let mut rest = value;
    while let Some(at) = rest.find("{{") {
        let tail = &rest[at + 2..];
        let Some(end) = tail.find("}}") else { return };
        out.push(tail[..end].to_string());
        rest = &tail[end + 2..];
    }
}

/// The line a note gives for an optional member: left out of this recording
/// (allowed), or in it and not pinned.
fn optional_note(at: &str, member: &str, removed: bool, source: &str) -> String {
    if removed {
        format!(
            "{at}: `{member}` not pinned, as a documented version leaves it out (source: {source})"
        )
    } else {
        format!("{at}: `{member}` allowed, as a documented version has it (source: {source})")
    }
}

/// The line a note gives: which items of a set were kept and why. `item` is
/// an XML element's name (`<Link>`) or `items` for a JSON array.
fn set_note(
    at: &str,
    item: &str,
    (kept, total, by_account): (usize, usize, bool),
    rule: &SetRule,
) -> String {
    let item = if item == "items" {
        "items".to_string()
    } else {
        format!("<{item}>")
    };
    let why = if rule.own && by_account {
        "the caller's own, known by its account only: another session of the same account meets it too; capture the session's id to pin it"
    } else if rule.own {
        "the caller's own"
    } else if rule.keep.is_empty() {
        "none is the same on every version"
    } else {
        "those every documented version serves"
    };
    format!(
        "{at}: kept {kept} of {total} {item} ({why}); {} allowed as extras, and any others, in any order (source: {})",
        total - kept,
        rule.source
    )
}

#[cfg(test)]
mod tests;
