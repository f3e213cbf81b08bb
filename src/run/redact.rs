//! Keeps secrets out of everything printed or written: passwords, tokens,
//! session cookies, and the values of headers that carry them.

use std::sync::{Arc, RwLock};

pub const REDACTED: &str = "<redacted>";

/// Headers whose values are always secret.
pub const SECRET_HEADERS: [&str; 5] = [
    "authorization",
    "x-restsvcsessionid",
    "authtoken",
    "cookie",
    "set-cookie",
];

pub fn is_secret_header(name: &str) -> bool {
    SECRET_HEADERS.contains(&name.to_ascii_lowercase().as_str())
}

/// The secrets a scenario has seen. Shared by clones, so a value learned in one
/// step is redacted in every later report line.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    secrets: Arc<RwLock<Vec<String>>>,
}

impl Redactor {
    pub fn add(&self, secret: &str) {
        // Very short values would redact ordinary text everywhere.
        if secret.len() < 4 {
            return;
        }
        let mut secrets = self.secrets.write().unwrap_or_else(|e| e.into_inner());
        // A secret put in a URL is printed percent-encoded: redact those forms too.
        for form in std::iter::once(secret.to_string()).chain(url_forms(secret)) {
            if !secrets.contains(&form) {
                secrets.push(form);
            }
        }
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }

    pub fn secrets(&self) -> Vec<String> {
        self.secrets
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn redact(&self, text: &str) -> String {
        let secrets = self.secrets.read().unwrap_or_else(|e| e.into_inner());
        let mut out = text.to_string();
        for secret in secrets.iter() {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), REDACTED);
            }
        }
        out
    }
}

/// How `secret` reads inside a URL path segment and a query value, where that
/// differs from the secret itself.
fn url_forms(secret: &str) -> Vec<String> {
    let Ok(mut url) = reqwest::Url::parse("http://h/") else {
        return Vec::new();
    };
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.clear().push(secret);
    }
    let path = url.path().trim_start_matches('/').to_string();
    url.query_pairs_mut().clear().append_pair("q", secret);
    let query = url
        .query()
        .unwrap_or("")
        .trim_start_matches("q=")
        .to_string();
    [path, query]
        .into_iter()
        .filter(|form| form != secret && !form.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_longest_first_and_secret_headers() {
        let r = Redactor::default();
        r.add("abcd");
        r.add("abcdef");
        assert_eq!(r.redact("x abcdef y abcd"), "x <redacted> y <redacted>");
        assert!(is_secret_header("Authtoken") && is_secret_header("set-cookie"));
        assert!(!is_secret_header("Accept"));
    }

    #[test]
    fn a_secret_is_redacted_in_its_url_forms_too() {
        let r = Redactor::default();
        r.add("p@ss word/+1");
        assert_eq!(
            r.redact("/x/p@ss%20word%2F+1/y?k=p%40ss+word%2F%2B1"),
            "/x/<redacted>/y?k=<redacted>"
        );
        assert_eq!(r.redact("p@ss word/+1"), "<redacted>");
    }
}
