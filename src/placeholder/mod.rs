//! Placeholders and variables, for goldens of any format: `{{any}}`, `{{uuid}}`,
//! `{{int}}`, `{{origin}}`, `{{NAME}}` and `{{'TEXT'}}` in a golden's values
//! (pattern), and the values they are bound to during a comparison.

pub mod pattern;

use std::collections::{BTreeMap, BTreeSet};

pub use pattern::{is_variable_name, origins_in, templatize, Pattern, PatternError};

/// Variables a comparison may refer to, and the origin it has seen so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bindings {
    /// Variable values by name.
    pub vars: BTreeMap<String, String>,
    /// The `scheme://host:port` that `{{origin}}` stands for, once seen.
    pub origin: Option<String>,
    /// Variables whose values bless writes back as `{{NAME}}`.
    pub templatized: BTreeSet<String>,
}

impl Bindings {
    /// Binds a variable that goldens may name (bless keeps its literal value).
    pub fn bind(&mut self, name: &str, value: &str) {
        self.vars.insert(name.to_string(), value.to_string());
    }

    /// A captured value: goldens may name it, and bless writes it back as its placeholder.
    pub fn bind_capture(&mut self, name: &str, value: &str) {
        self.bind(name, value);
        self.templatized.insert(name.to_string());
    }
}
