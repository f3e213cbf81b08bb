//! What every vendor's server shares: its options and session store, the fault
//! switch, content negotiation, and the view a run has of its sessions. A new
//! vendor is one module that builds a router over [`Shared`].

use std::sync::Arc;

use axum::http::{header, HeaderMap};

use super::sessions::{SessionStore, StoredSession};
use super::{Fault, ServerOptions};

/// A vendor server's state: its options and its sessions.
pub(crate) struct Shared<S> {
    pub options: ServerOptions,
    pub sessions: SessionStore<S>,
    /// Sessions ended, kept only for a fault that still lists them (at most
    /// [`ENDED_KEPT`], so a long run does not grow it without bound).
    pub ended: std::sync::Mutex<Vec<S>>,
}

/// How many ended sessions a server keeps for the fault that lists them.
const ENDED_KEPT: usize = 256;

impl<S: StoredSession> Shared<S> {
    pub fn new(options: ServerOptions) -> Arc<Shared<S>> {
        Arc::new(Shared {
            sessions: SessionStore::new(options.idle_timeout),
            options,
            ended: Default::default(),
        })
    }

    /// Keeps an ended session for the fault that still lists it.
    pub fn remember_ended(&self, session: S) {
        let mut ended = self.ended.lock().unwrap_or_else(|e| e.into_inner());
        if ended.len() >= ENDED_KEPT {
            ended.remove(0);
        }
        ended.push(session);
    }

    /// Whether the server was broken this way on purpose.
    pub fn has(&self, fault: Fault) -> bool {
        self.options.faults.contains(&fault)
    }
}

/// What a running server tells about its sessions.
pub trait SessionsView: Send + Sync {
    /// Every token the server has issued.
    fn issued_tokens(&self) -> Vec<String>;
    /// The suite's sessions that have not ended or expired (the company's
    /// are not counted): after a suite, this must be zero.
    fn open_sessions(&self) -> usize;
    /// The most of the suite's sessions that were open at once.
    fn peak_sessions(&self) -> usize;
    /// Company sessions a client other than their owner ended.
    fn company_ended(&self) -> usize;
    /// Company sessions now open.
    fn company_sessions(&self) -> usize;
}

/// A vendor's server as the running server holds it: what it tells of its
/// sessions, and the door its company comes in by.
pub(crate) trait Host: SessionsView + super::company::Door {}

impl<T: SessionsView + super::company::Door> Host for T {}

impl<S: StoredSession + Send + Sync> SessionsView for Shared<S> {
    fn issued_tokens(&self) -> Vec<String> {
        self.sessions.issued()
    }

    fn open_sessions(&self) -> usize {
        self.sessions.open_count()
    }

    fn peak_sessions(&self) -> usize {
        self.sessions.peak()
    }

    fn company_ended(&self) -> usize {
        self.sessions.company_ended()
    }

    fn company_sessions(&self) -> usize {
        self.sessions.company_count()
    }
}

/// Both vendors answer JSON when the client accepts it, XML otherwise.
pub(crate) fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("application/json"))
}
