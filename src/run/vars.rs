//! The variables of one running scenario.

use std::collections::BTreeMap;

use super::redact::Redactor;
use crate::placeholder::Bindings;
use crate::scenario::template::{Part, Template};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    One(String),
    /// From a capture with `all: true`.
    Many(Vec<String>),
}

#[derive(Debug, Clone, Default)]
pub struct Variables {
    values: BTreeMap<String, Value>,
    captured: Vec<String>,
    pub redactor: Redactor,
}

impl Variables {
    pub fn set(&mut self, name: &str, value: Value, secret: bool) {
        if secret {
            match &value {
                Value::One(v) => self.redactor.add(v),
                Value::Many(vs) => vs.iter().for_each(|v| self.redactor.add(v)),
            }
        }
        self.values.insert(name.to_string(), value);
    }

    pub fn capture(&mut self, name: &str, value: Value, secret: bool) {
        self.set(name, value, secret);
        if !self.captured.iter().any(|c| c == name) {
            self.captured.push(name.to_string());
        }
    }

    /// Forgets a variable (its value stays known to the redactor if it was secret).
    pub fn unset(&mut self, name: &str) {
        self.values.remove(name);
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    /// Expands a template. An error names the variable that is missing.
    pub fn expand(&self, template: &Template) -> Result<String, String> {
        let mut out = String::new();
        for part in template.parts() {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Var(name) => out.push_str(self.one(name)?),
                Part::Encoded(encoding, name) => {
                    let value = self.one(name)?;
                    let encoded = encoding.encode(value);
                    // The encoding of a secret is as secret as the secret.
                    if self.redactor.redact(value) != value {
                        self.redactor.add(&encoded);
                    }
                    out.push_str(&encoded);
                }
                // As in a shell, `:-` gives the default when the variable is unset or empty.
                Part::Env { name, default } => match (std::env::var(name), default) {
                    (Ok(v), Some(d)) if v.is_empty() => out.push_str(d),
                    (Ok(v), _) => out.push_str(&v),
                    (Err(_), Some(d)) => out.push_str(d),
                    (Err(_), None) => {
                        return Err(format!(
                        "environment variable {name} is not set and `{template}` gives no default"
                    ))
                    }
                },
            }
        }
        Ok(out)
    }

    fn one(&self, name: &str) -> Result<&str, String> {
        match self.values.get(name) {
            Some(Value::One(v)) => Ok(v),
            Some(Value::Many(_)) => Err(format!(
                "`${{{name}}}` is a list (captured with `all`); it can only be used by `exclude`"
            )),
            None => Err(format!(
                "`${{{name}}}` has no value: the step that captures it did not run or failed"
            )),
        }
    }

    /// What a golden may refer to: every single-valued variable; captures are written back by bless.
    pub fn bindings(&self, origin: Option<&str>) -> Bindings {
        let mut b = Bindings {
            origin: origin.map(str::to_string),
            ..Bindings::default()
        };
        for (name, value) in &self.values {
            if let Value::One(v) = value {
                if self.captured.contains(name) {
                    b.bind_capture(name, v);
                } else {
                    b.bind(name, v);
                }
            }
        }
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_environment_variable_takes_the_default_as_in_a_shell() {
        // A name no other test touches, so setting it cannot race with one.
        std::env::set_var("SESSIONCONF_VARS_TEST_EMPTY", "");
        std::env::set_var("SESSIONCONF_VARS_TEST_SET", "value");
        let vars = Variables::default();
        let expand = |t: &str| vars.expand(&Template::parse(t).unwrap());
        assert_eq!(
            expand("${env:SESSIONCONF_VARS_TEST_EMPTY:-d}").unwrap(),
            "d"
        );
        assert_eq!(expand("${env:SESSIONCONF_VARS_TEST_EMPTY}").unwrap(), "");
        assert_eq!(
            expand("${env:SESSIONCONF_VARS_TEST_SET:-d}").unwrap(),
            "value"
        );
        assert_eq!(
            expand("${env:SESSIONCONF_VARS_TEST_UNSET_SURELY:-d}").unwrap(),
            "d"
        );
        let err = expand("${env:SESSIONCONF_VARS_TEST_UNSET_SURELY}").unwrap_err();
        assert!(err.contains("SESSIONCONF_VARS_TEST_UNSET_SURELY"), "{err}");
    }
}
