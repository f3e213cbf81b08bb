//! A value that is a variable's value is written as that variable: the
//! account a golden was recorded with is not the contract, the fact that the
//! server answers with the caller's account is. Captures and the origin are
//! written back when a response is recorded; here the rest: the run's and the
//! matrix's variables, and the forms a server qualifies an account in
//! (`DOMAIN\user`, `user@domain`).

use super::Context;

/// The variables whose values bless writes back, best first.
pub(super) struct Names<'c> {
    candidates: Vec<(&'c str, &'c str)>,
    pub context: Context<'c>,
}

/// The variables every scenario has: a matrix's or a fragment's own name
/// for the same value says more about the step (it is the one that varies).
const BUILT_IN: [&str; 5] = [
    "user",
    "password",
    "tenant_user",
    "tenant_password",
    "base_url",
];

impl<'c> Names<'c> {
    pub fn new(context: Context<'c>) -> Names<'c> {
        let b = context.bindings;
        let in_scope = |n: &str| context.scope.is_empty() || context.scope.iter().any(|s| s == n);
        let mut candidates: Vec<(&str, &str)> = b
            .vars
            .iter()
            .filter(|(n, v)| {
                !b.templatized.contains(*n)
                    && in_scope(n)
                    && worth_naming(n, v)
                    && !context.secrets.iter().any(|s| s == *v)
            })
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        candidates.sort_by_key(|(n, _)| BUILT_IN.contains(n));
        Names {
            candidates,
            context,
        }
    }

    /// `value` written with a variable, and which, when it is one's value.
    pub fn name(&self, value: &str) -> Option<(String, &'c str)> {
        if value.contains("{{") {
            return None;
        }
        self.candidates.iter().find_map(|(n, v)| {
            if value == *v {
                return Some((format!("{{{{{n}}}}}"), *n));
            }
            if let Some(domain) = value.strip_suffix(v).and_then(|d| d.strip_suffix('\\')) {
                if !domain.is_empty() && !domain.contains('\\') {
                    return Some((format!("{{{{any}}}}\\{{{{{n}}}}}"), *n));
                }
            }
            let upn = value.strip_prefix(v).and_then(|d| d.strip_prefix('@'));
            upn.filter(|d| !d.is_empty())
                .map(|_| (format!("{{{{{n}}}}}@{{{{any}}}}"), *n))
        })
    }
}

/// Short, numeric, boolean and secret values name nothing: `1` or `true` in a
/// response is not the variable that happens to hold it.
fn worth_naming(name: &str, value: &str) -> bool {
    value.chars().count() >= 3
        && value.parse::<f64>().is_err()
        && !matches!(value, "true" | "false" | "null")
        && !name.contains("password")
        && name != "base_url"
        && value.trim() == value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::placeholder::Bindings;

    fn names_of<'b>(b: &'b Bindings, scope: &'b [String]) -> Names<'b> {
        Names::new(Context {
            bindings: b,
            scope,
            secrets: &[],
        })
    }

    #[test]
    fn an_account_is_named_bare_domain_qualified_or_as_a_upn() {
        let mut b = Bindings::default();
        b.bind("user", "Administrator");
        b.bind("password", "Administrator2");
        let n = names_of(&b, &[]);
        let name = |v: &str| n.name(v).map(|(t, _)| t);
        assert_eq!(name("Administrator").as_deref(), Some("{{user}}"));
        assert_eq!(
            name("SRV13\\Administrator").as_deref(),
            Some("{{any}}\\{{user}}")
        );
        assert_eq!(
            name("Administrator@corp.lab").as_deref(),
            Some("{{user}}@{{any}}")
        );
        assert_eq!(name("\\Administrator"), None, "no domain");
        assert_eq!(name("A\\B\\Administrator"), None);
        assert_eq!(name("Administrators"), None);
        assert_eq!(name("Administrator2"), None, "a password is never named");
        assert_eq!(name("{{any}}"), None);
    }

    #[test]
    fn a_matrix_or_fragment_name_is_preferred_and_a_scope_limits_the_names() {
        let mut b = Bindings::default();
        b.bind("user", "Administrator");
        b.bind("account_user", "Administrator");
        b.bind("format", "xml");
        b.bind("n", "1234");
        b.bind_capture("token", "Administrator");
        let n = names_of(&b, &[]);
        assert_eq!(n.name("Administrator").unwrap().0, "{{account_user}}");
        assert_eq!(n.name("1234"), None, "a number names nothing");
        let scope = ["user".to_string()];
        let scoped = names_of(&b, &scope);
        assert_eq!(scoped.name("Administrator").unwrap().0, "{{user}}");
        let secret = ["Administrator".to_string()];
        let hidden = Names::new(Context {
            bindings: &b,
            scope: &[],
            secrets: &secret,
        });
        assert_eq!(hidden.name("Administrator"), None);
    }
}
