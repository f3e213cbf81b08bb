//! `matrix:` one scenario run as one trial per combination of its variables'
//! values (less `exclude`), each named `DIALECT::NAME[VAR=value,...]`, each
//! with its own requirements (a version the server does not offer, an account
//! the run does not have: not applicable, never failed).

use std::collections::BTreeSet;

use indexmap::IndexMap;

use super::checker::{at, Checker};
use super::model::{Account, Matrix, MatrixValue, Needs, Requires};
use super::positions::{NodePath, Seg};
use super::template::{Part, Template};

/// One combination: each matrix variable and the value it takes.
pub(super) type Combination<'m> = Vec<(&'m str, &'m MatrixValue)>;

/// The variables a matrix gives a scenario: `VAR`, and `VAR_KEY` for map values.
pub(super) fn variable_names(matrix: &Matrix) -> Vec<String> {
    let mut names = Vec::new();
    for (name, values) in &matrix.dimensions {
        names.push(name.clone());
        if let Some(first) = values.first() {
            names.extend(first.vars.keys().map(|k| format!("{name}_{k}")));
        }
    }
    names
}

/// Every combination in the order written (the first variable varies slowest).
pub(super) fn combinations(matrix: &Matrix) -> Vec<Combination<'_>> {
    let mut out: Vec<Combination> = vec![Vec::new()];
    for (name, values) in &matrix.dimensions {
        out = out
            .into_iter()
            .flat_map(|combo| {
                values.iter().map(move |v| {
                    let mut next = combo.clone();
                    next.push((name.as_str(), v));
                    next
                })
            })
            .collect();
    }
    out.retain(|combo| !matrix.exclude.iter().any(|ex| excludes(ex, combo)));
    out
}

fn excludes(exclusion: &IndexMap<String, String>, combo: &Combination) -> bool {
    exclusion.iter().all(|(name, label)| {
        combo
            .iter()
            .any(|(n, v)| *n == name.as_str() && v.label == *label)
    })
}

/// `[api=v1_5,account=tenant]`, or nothing without a matrix.
pub(super) fn label(combo: &Combination) -> String {
    if combo.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = combo
        .iter()
        .map(|(name, v)| format!("{name}={}", v.label))
        .collect();
    format!("[{}]", parts.join(","))
}

/// A trial's id: `DIALECT::NAME`, then the combination's label.
pub(super) fn trial_id(dialect: &str, name: &str, combo: &Combination) -> String {
    format!("{dialect}::{name}{}", label(combo))
}

/// The scenario variables a combination sets, before the scenario's own.
pub(super) fn variables(combo: &Combination) -> IndexMap<String, Template> {
    let mut vars = IndexMap::new();
    for (name, value) in combo {
        let literal = Template::from_parts(vec![Part::Literal(value.label.clone())]);
        vars.insert(name.to_string(), literal);
        for (key, t) in &value.vars {
            vars.insert(format!("{name}_{key}"), t.clone());
        }
    }
    vars
}

impl Checker<'_> {
    /// Names, values and exclusions that can be told apart and refer to what exists.
    pub(super) fn check_matrix(&mut self, matrix: &Matrix) {
        for (name, values) in &matrix.dimensions {
            let path: NodePath = vec!["matrix".into(), name.as_str().into()];
            if !crate::placeholder::is_variable_name(name) {
                self.error(
                    &path,
                    format!("`{name}` is not a variable name (letters, digits, `_`, `-`)"),
                );
            }
            if super::BUILTIN_VARIABLES.contains(&name.as_str()) {
                self.error(
                    &path,
                    format!(
                        "`{name}` is a built-in variable; a matrix variable needs another name"
                    ),
                );
            }
            if values.is_empty() {
                self.error(&path, format!("matrix variable `{name}` has no values"));
            }
            let mut seen = BTreeSet::new();
            for (i, v) in values.iter().enumerate() {
                let here = at(&path, [Seg::from(i)]);
                if !seen.insert(v.label.as_str()) {
                    self.error(&here, format!("`{name}` has the value `{}` twice", v.label));
                }
                if v.label.is_empty() || v.label.contains([',', '=', '[', ']']) {
                    self.error(&here, format!("`{}`: a matrix value is not empty and has no `,`, `=`, `[` or `]` (it is part of the trial's name)", v.label));
                }
                let keys: Vec<&String> = v.vars.keys().collect();
                let first: Vec<&String> = values[0].vars.keys().collect();
                if keys != first {
                    self.error(
                        &here,
                        format!(
                            "every value of `{name}` has the same keys ({})",
                            first
                                .iter()
                                .map(|k| k.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
            }
        }
        self.check_exclusions(matrix);
    }

    fn check_exclusions(&mut self, matrix: &Matrix) {
        for (i, exclusion) in matrix.exclude.iter().enumerate() {
            for (name, label) in exclusion {
                let path: NodePath = vec![
                    "matrix".into(),
                    "exclude".into(),
                    i.into(),
                    name.as_str().into(),
                ];
                let names = matrix.dimensions.keys().map(String::as_str);
                match matrix.dimensions.get(name) {
                    None => self.error(
                        &path,
                        format!(
                            "`exclude` names `{name}`, which is not a matrix variable{}",
                            crate::suggest::did_you_mean(name, names)
                        ),
                    ),
                    Some(values) if !values.iter().any(|v| v.label == *label) => {
                        let labels = values.iter().map(|v| v.label.as_str());
                        self.error(
                            &path,
                            format!(
                            "`exclude` gives `{name}` the value `{label}`, which it never takes{}",
                            crate::suggest::did_you_mean(label, labels)
                        ),
                        )
                    }
                    Some(_) => {}
                }
            }
        }
    }

    /// What one combination needs, its matrix values filled in.
    pub(super) fn needs(&mut self, requires: &Requires, combo: &Combination) -> Needs {
        let vars = variables(combo);
        let mut value = |path: NodePath, t: &Template| -> Option<String> {
            let replaced = t.substitute(&|name| vars.get(name).cloned());
            match replaced.map(|t| literal(&t)) {
                Ok(Some(text)) => Some(text),
                _ => {
                    self.error(&path, format!("`{t}`: a requirement may name matrix variables whose values are plain text, and nothing else"));
                    None
                }
            }
        };
        let mut needs = Needs::default();
        for (i, t) in requires.capabilities.iter().enumerate() {
            needs.capabilities.extend(value(
                vec!["requires".into(), "capabilities".into(), i.into()],
                t,
            ));
        }
        let mut accounts = Vec::new();
        for (i, t) in requires.accounts.iter().enumerate() {
            let path: NodePath = vec!["requires".into(), "accounts".into(), i.into()];
            accounts.extend(value(path.clone(), t).map(|a| (path, a)));
        }
        let versions = requires
            .versions
            .as_ref()
            .and_then(|t| value(vec!["requires".into(), "versions".into()], t));
        needs.api_version = requires
            .api_version
            .as_ref()
            .and_then(|t| value(vec!["requires".into(), "api_version".into()], t));
        for (path, name) in accounts {
            match Account::parse(&name) {
                Ok(a) => needs.accounts.push(a),
                Err(why) => self.error(&path, why),
            }
        }
        if let Some(text) = versions {
            match crate::version::VersionRange::parse(&text) {
                Ok(r) => needs.versions = Some(r),
                Err(why) => self.error(&["requires".into(), "versions".into()], why),
            }
        }
        needs
    }
}

/// The text of a template that refers to nothing.
fn literal(t: &Template) -> Option<String> {
    t.parts()
        .iter()
        .map(|p| match p {
            Part::Literal(text) => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(yaml: &str) -> Matrix {
        serde_yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn combinations_vary_the_last_variable_fastest_and_leave_out_exclusions() {
        let m = matrix(
            "api: [latest, v1_5]\nformat: [xml, json]\nexclude:\n  - { api: v1_5, format: json }\n",
        );
        let labels: Vec<String> = combinations(&m).iter().map(label).collect();
        assert_eq!(
            labels,
            [
                "[api=latest,format=xml]",
                "[api=latest,format=json]",
                "[api=v1_5,format=xml]"
            ]
        );
        assert_eq!(
            combinations(&Matrix::default())
                .iter()
                .map(label)
                .collect::<Vec<_>>(),
            [""]
        );
    }

    #[test]
    fn map_values_give_their_keys_as_variables() {
        let m = matrix("account:\n  - { name: administrator, user: \"${user}\" }\n  - { name: tenant, user: \"${tenant_user}\" }\n");
        assert_eq!(variable_names(&m), ["account", "account_user"]);
        let combos = combinations(&m);
        let vars = variables(&combos[1]);
        assert_eq!(vars["account"].raw(), "tenant");
        assert_eq!(vars["account_user"].raw(), "${tenant_user}");
        let err = serde_yaml::from_str::<Matrix>("a:\n  - { user: x }\n").unwrap_err();
        assert!(err.to_string().contains("needs a `name`"), "{err}");
    }
}
