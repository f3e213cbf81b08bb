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
        if !secrets.iter().any(|s| s == secret) {
            secrets.push(secret.to_string());
            secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
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
}
