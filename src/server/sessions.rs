//! What both reference servers need of sessions: unguessable ids and tokens,
//! constant-time secret comparison, idle expiry.

use std::time::{Duration, Instant};

/// Random bytes from the operating system's cryptographic source.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    bytes
}

/// A random version-4 UUID, lower case.
pub fn random_uuid() -> String {
    uuid::Builder::from_random_bytes(random_bytes::<16>())
        .into_uuid()
        .hyphenated()
        .to_string()
}

pub fn random_hex(bytes: usize) -> String {
    let mut out = String::with_capacity(bytes * 2);
    while out.len() < bytes * 2 {
        for b in random_bytes::<32>() {
            out.push_str(&format!("{b:02x}"));
        }
    }
    out.truncate(bytes * 2);
    out
}

/// Compares secrets without an early exit, so timing tells nothing of how much matched.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = (a.len() ^ b.len()) as u8 | u8::from(a.len() != b.len());
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= x ^ y;
    }
    diff == 0
}

/// Idle expiry: a session ends when unused for longer than its limit.
#[derive(Debug, Clone)]
pub struct Activity {
    pub created: Instant,
    pub last_used: Instant,
}

impl Activity {
    pub fn now() -> Activity {
        let now = Instant::now();
        Activity {
            created: now,
            last_used: now,
        }
    }

    pub fn expired(&self, idle: Duration) -> bool {
        self.last_used.elapsed() > idle
    }

    pub fn touch(&mut self) {
        self.last_used = Instant::now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparison_and_randomness() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"", b"a"));
        assert_ne!(random_uuid(), random_uuid());
        assert_eq!(random_hex(40).len(), 80);
    }
}
