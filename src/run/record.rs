//! What a step sent and received, as reports keep it: every secret redacted
//! (secret headers by name, every known secret anywhere), bodies cut at a limit.

use super::exchange::{Exchange, Outgoing};
use super::redact::{is_secret_header, REDACTED};
use super::state::ScenarioState;
use crate::outcome::Message;

/// The most of a body a report keeps, in bytes.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The request as sent.
pub(crate) fn request(state: &ScenarioState, outgoing: &Outgoing) -> Message {
    let start = format!("{} {}", outgoing.method, outgoing.url);
    message(state, start, &outgoing.headers, outgoing.body.as_deref())
}

/// The response as received.
pub(crate) fn response(state: &ScenarioState, exchange: &Exchange) -> Message {
    let reason = reqwest::StatusCode::from_u16(exchange.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let start = format!("{} {reason}", exchange.status)
        .trim_end()
        .to_string();
    let body = (!exchange.body.is_empty()).then_some(exchange.body.as_str());
    message(state, start, &exchange.headers, body)
}

fn message(
    state: &ScenarioState,
    start: String,
    headers: &[(String, String)],
    body: Option<&str>,
) -> Message {
    let headers = headers
        .iter()
        .map(|(name, value)| {
            let value = if is_secret_header(name) {
                REDACTED.to_string()
            } else {
                state.redact(value)
            };
            (name.clone(), value)
        })
        .collect();
    let (body, omitted_bytes) = match body {
        Some(text) => {
            let (kept, omitted) = cut(text, BODY_LIMIT);
            (Some(state.redact(kept)), omitted)
        }
        None => (None, 0),
    };
    Message {
        start: state.redact(&start),
        headers,
        body,
        omitted_bytes,
    }
}

/// The first `limit` bytes of `text` (at a character boundary) and how many are left out.
pub fn cut(text: &str, limit: usize) -> (&str, usize) {
    if text.len() <= limit {
        return (text, 0);
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], text.len() - end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_cut_at_a_character_boundary() {
        assert_eq!(cut("abc", 3), ("abc", 0));
        assert_eq!(cut("abcd", 3), ("abc", 1));
        // "é" is two bytes: a cut inside it keeps it out whole.
        assert_eq!(cut("aé", 2), ("a", 2));
        assert_eq!(cut("", 0), ("", 0));
    }
}
