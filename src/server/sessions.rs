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

/// What the store needs of a vendor's session.
pub trait StoredSession: Clone {
    fn id(&self) -> &str;
    fn token(&self) -> &str;
    fn activity(&self) -> &Activity;
    /// Marks the session used now.
    fn touch(&mut self);
    /// Whether the server's company holds it (another client's session, not the suite's).
    fn company(&self) -> bool;
}

/// What a token names.
pub enum Lookup<S> {
    Found(S),
    /// It named a session that expired (and is now gone).
    Expired,
    Unknown,
}

/// Open sessions by id, with idle expiry and a record of every token issued.
pub struct SessionStore<S> {
    sessions: std::sync::Mutex<std::collections::HashMap<String, S>>,
    issued: std::sync::Mutex<Vec<String>>,
    idle: Duration,
    /// The most of the suite's sessions open at once so far (what a run's
    /// session budget bounds; the company's are not the run's to budget).
    peak: std::sync::atomic::AtomicUsize,
    /// Company sessions a client other than their owner ended.
    company_ended: std::sync::atomic::AtomicUsize,
}

impl<S: StoredSession> SessionStore<S> {
    pub fn new(idle: Duration) -> SessionStore<S> {
        SessionStore {
            sessions: std::sync::Mutex::default(),
            issued: std::sync::Mutex::default(),
            idle,
            peak: Default::default(),
            company_ended: Default::default(),
        }
    }

    /// Whether `s` ended by being left unused. The company's sessions are
    /// kept alive by their owners, wherever the idle limit is set.
    fn lapsed(&self, s: &S) -> bool {
        !s.company() && s.activity().expired(self.idle)
    }

    fn table(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, S>> {
        self.sessions.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn insert(&self, session: S) {
        self.issued
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(session.token().to_string());
        let mut table = self.table();
        table.insert(session.id().to_string(), session);
        let suite = table.values().filter(|s| !s.company()).count();
        self.peak
            .fetch_max(suite, std::sync::atomic::Ordering::SeqCst);
    }

    /// Seats a company session: no client was issued its token, so it is not
    /// among [`SessionStore::issued`].
    pub fn seat(&self, session: S) {
        self.table().insert(session.id().to_string(), session);
    }

    /// Ends a company session as its owner does (not counted as ended by another).
    pub fn unseat(&self, id: &str) {
        self.table().remove(id);
    }

    /// Company sessions a client other than their owner ended.
    pub fn company_ended(&self) -> usize {
        self.company_ended.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn count_ended(&self, ended: usize) {
        self.company_ended
            .fetch_add(ended, std::sync::atomic::Ordering::SeqCst);
    }

    /// The most sessions that were open at once.
    pub fn peak(&self) -> usize {
        self.peak.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The session a token belongs to, compared in constant time; using it keeps it alive.
    pub fn by_token(&self, token: &str) -> Lookup<S> {
        let mut table = self.table();
        let found = table
            .values()
            .find(|s| constant_time_eq(s.token().as_bytes(), token.as_bytes()))
            .map(|s| s.id().to_string());
        let Some(id) = found else {
            return Lookup::Unknown;
        };
        if self.lapsed(&table[&id]) {
            table.remove(&id);
            return Lookup::Expired;
        }
        let session = table.get_mut(&id).expect("found above");
        session.touch();
        Lookup::Found(session.clone())
    }

    pub fn get(&self, id: &str) -> Option<S> {
        self.table().get(id).cloned()
    }

    /// Ends a session at a client's request.
    pub fn remove(&self, id: &str) {
        let removed = self.table().remove(id);
        self.count_ended(usize::from(removed.is_some_and(|s| s.company())));
    }

    /// Runs `f` on the whole table at once (a logoff of several sessions is
    /// one step) at a client's request: company sessions it ends are counted.
    pub fn with<R>(&self, f: impl FnOnce(&mut std::collections::HashMap<String, S>) -> R) -> R {
        let mut table = self.table();
        let company =
            |t: &std::collections::HashMap<String, S>| t.values().filter(|s| s.company()).count();
        let before = company(&table);
        let result = f(&mut table);
        self.count_ended(before.saturating_sub(company(&table)));
        result
    }

    /// Sessions not yet expired, oldest first.
    pub fn open(&self) -> Vec<S> {
        let mut open: Vec<S> = self
            .table()
            .values()
            .filter(|s| !self.lapsed(s))
            .cloned()
            .collect();
        open.sort_by_key(|s| s.activity().created);
        open
    }

    /// The suite's sessions still open (the company's are not the suite's to end).
    pub fn open_count(&self) -> usize {
        self.table()
            .values()
            .filter(|s| !s.company() && !self.lapsed(s))
            .count()
    }

    /// The company's sessions now open.
    pub fn company_count(&self) -> usize {
        self.table().values().filter(|s| s.company()).count()
    }

    pub fn issued(&self) -> Vec<String> {
        self.issued
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
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
