//! Every response of a run kept whole, with the run's secrets and what the step
//! had bound when it arrived: what `sessionconf compare` holds two servers'
//! runs side by side with. Kept only when a run asks for it.

use std::sync::{Arc, Mutex};

use crate::golden::Golden;
use crate::placeholder::Bindings;

/// One step's response.
#[derive(Debug, Clone)]
pub struct Exchanged {
    /// The trial it belongs to.
    pub trial: String,
    /// The step's name.
    pub step: String,
    /// The status code.
    pub status: u16,
    /// The body as received: redacting it could spoil its XML (`token="<redacted>"`);
    /// whatever shows it redacts it with `secrets`.
    pub body: String,
    /// The run's secrets when the response arrived (tokens, passwords).
    pub secrets: Vec<String>,
    /// The origin and every variable bound after the step's captures.
    pub bindings: Bindings,
    /// The step's golden, when it has one: its markers say which lists are sets.
    pub golden: Option<Arc<Golden>>,
}

/// The responses of a run, in the order they arrived.
#[derive(Debug, Default)]
pub struct Transcript {
    entries: Mutex<Vec<Exchanged>>,
}

impl Transcript {
    /// Keeps one response.
    pub fn keep(&self, exchanged: Exchanged) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(exchanged);
    }

    /// The responses of `trial`, in order; they are taken out.
    pub fn take(&self, trial: &str) -> Vec<Exchanged> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut *entries)
            .into_iter()
            .partition(|e| e.trial == trial);
        *entries = rest;
        mine
    }
}
