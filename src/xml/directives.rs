//! How a golden marks what the vendor leaves open: attributes in the
//! `urn:sessionconf:golden` namespace, which are never compared themselves.
//!
//! - `sc:order="any"`: the element's children may come in any order (matched as a multiset).
//! - `sc:name="any"` (on the root only): the root element's name is not compared,
//!   for documents whose root the vendor never publishes (Commvault's session list).
//! - `sc:extra="children"`, `"attributes"` or `"children attributes"`: the element
//!   may have children or attributes the golden does not mention.

pub const NAMESPACE: &str = "urn:sessionconf:golden";
pub const PREFIX: &str = "sc";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Directives {
    pub any_order: bool,
    pub extra_children: bool,
    pub extra_attributes: bool,
    pub any_name: bool,
}

impl Directives {
    /// Reads one directive attribute into `self`; the error says what was expected.
    pub fn apply(&mut self, name: &str, value: &str) -> Result<(), String> {
        match name {
            "order" => match value.trim() {
                "any" => self.any_order = true,
                "document" => self.any_order = false,
                other => {
                    return Err(format!(
                        "sc:order=\"{other}\": expected \"any\" or \"document\""
                    ))
                }
            },
            "name" => match value.trim() {
                "any" => self.any_name = true,
                other => return Err(format!("sc:name=\"{other}\": expected \"any\"")),
            },
            "extra" => {
                for word in value.split_whitespace() {
                    match word {
                        "children" => self.extra_children = true,
                        "attributes" => self.extra_attributes = true,
                        other => {
                            return Err(format!(
                                "sc:extra=\"{value}\": `{other}` is not one of \"children\", \"attributes\""
                            ))
                        }
                    }
                }
                if value.trim().is_empty() {
                    return Err(
                        "sc:extra is empty: expected \"children\", \"attributes\" or both".into(),
                    );
                }
            }
            other => {
                return Err(format!(
                    "sc:{other} is not a golden directive: expected sc:order, sc:extra or sc:name"
                ))
            }
        }
        Ok(())
    }

    /// The directive attributes to write back, in a stable order.
    pub fn attributes(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.any_name {
            out.push(("name", "any".to_string()));
        }
        if self.any_order {
            out.push(("order", "any".to_string()));
        }
        let extra: Vec<&str> = [
            (self.extra_children, "children"),
            (self.extra_attributes, "attributes"),
        ]
        .into_iter()
        .filter_map(|(on, word)| on.then_some(word))
        .collect();
        if !extra.is_empty() {
            out.push(("extra", extra.join(" ")));
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        *self == Directives::default()
    }
}
