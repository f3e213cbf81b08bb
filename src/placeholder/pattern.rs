//! Placeholders inside golden text and attribute values: `{{any}}`, `{{uuid}}`,
//! `{{int}}`, `{{origin}}` and `{{NAME}}` for a bound variable. `{{'TEXT'}}` is
//! TEXT itself, so a golden can hold a literal `{{` (bless writes `{{'{{'}}`).

use std::fmt;
use std::sync::Arc;

use super::Bindings;

/// One piece of a golden value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Text that must be there as it is.
    Literal(String),
    /// `{{any}}`: any text, also none.
    Any,
    /// `{{uuid}}`: a UUID in its usual hyphenated form.
    Uuid,
    /// `{{int}}`: a decimal integer, optionally negative.
    Int,
    /// `{{origin}}`: `scheme://host[:port]`, the same everywhere in a scenario.
    Origin,
    /// `{{NAME}}`: the value of a bound variable.
    Var(String),
}

/// The placeholders that are not variables.
const BUILT_IN: [&str; 4] = ["any", "uuid", "int", "origin"];

/// A golden value: literal text with placeholders. Shared, not copied: a
/// golden of ten thousand sessions writes the same link values ten thousand
/// times, and the compiler keeps one of each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern(Arc<Inner>);

#[derive(Debug, PartialEq, Eq)]
struct Inner {
    raw: Box<str>,
    kind: Kind,
}

#[derive(Debug, PartialEq, Eq)]
enum Kind {
    /// No placeholder: the value is `raw`.
    Literal,
    /// No placeholder, but quoting made the value differ from `raw`.
    Unquoted(Box<str>),
    Template(Box<[Segment]>),
}

/// Why a golden value could not be read as a pattern; `offset` is a byte offset into the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// The byte offset in the value where the mistake is.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Whether `name` can name a variable: ASCII letters, digits, `_` and `-`, starting with a letter or `_`.
pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl Pattern {
    /// Reads a golden value; an unclosed or unknown placeholder is an error.
    pub fn parse(raw: &str) -> Result<Pattern, PatternError> {
        let mut segments = Vec::new();
        let mut literal = String::new();
        let mut rest = raw;
        let mut offset = 0;
        while let Some(start) = rest.find("{{") {
            literal.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            if let Some(quoted) = after.strip_prefix('\'') {
                let end = quoted.find("'}}").ok_or_else(|| PatternError {
                    offset: offset + start,
                    message: "quoted text `{{'` is not closed by `'}}`".into(),
                })?;
                literal.push_str(&quoted[..end]);
                let consumed = start + 2 + 1 + end + 3;
                offset += consumed;
                rest = &rest[consumed..];
                continue;
            }
            let end = after.find("}}").ok_or_else(|| PatternError {
                offset: offset + start,
                message: "placeholder `{{` is not closed by `}}`".into(),
            })?;
            let name = after[..end].trim();
            let segment = match name {
                "any" => Segment::Any,
                "uuid" => Segment::Uuid,
                "int" => Segment::Int,
                "origin" => Segment::Origin,
                _ if BUILT_IN.contains(&name.to_ascii_lowercase().as_str()) => {
                    return Err(PatternError {
                        offset: offset + start,
                        message: format!(
                            "`{{{{{name}}}}}` is not a placeholder; did you mean `{{{{{}}}}}`? (placeholders are lowercase, and no variable takes their names)",
                            name.to_ascii_lowercase()
                        ),
                    })
                }
                _ if is_variable_name(name) => Segment::Var(name.to_string()),
                _ => {
                    return Err(PatternError {
                        offset: offset + start,
                        message: format!(
                            "`{{{{{name}}}}}` is not a placeholder: expected {{{{any}}}}, {{{{uuid}}}}, {{{{int}}}}, {{{{origin}}}} or {{{{VARIABLE}}}}"
                        ),
                    })
                }
            };
            if !literal.is_empty() {
                segments.push(Segment::Literal(std::mem::take(&mut literal)));
            }
            segments.push(segment);
            let consumed = start + 2 + end + 2;
            offset += consumed;
            rest = &rest[consumed..];
        }
        literal.push_str(rest);
        // A value with no placeholder keeps no segments, only its literal text.
        let kind = if segments.is_empty() && literal == raw {
            Kind::Literal
        } else if segments.is_empty() {
            Kind::Unquoted(literal.into())
        } else {
            if !literal.is_empty() {
                segments.push(Segment::Literal(literal));
            }
            Kind::Template(segments.into())
        };
        Ok(Pattern(Arc::new(Inner {
            raw: raw.into(),
            kind,
        })))
    }

    /// The value as the golden writes it.
    pub fn raw(&self) -> &str {
        &self.0.raw
    }

    /// The literal value when the pattern has no placeholder.
    pub fn as_literal(&self) -> Option<&str> {
        match &self.0.kind {
            Kind::Literal => Some(&self.0.raw),
            Kind::Unquoted(value) => Some(value),
            Kind::Template(_) => None,
        }
    }

    /// The one value the pattern can match under `bindings`: its literal, or
    /// its literal text with bound variables (and a bound origin) filled in.
    /// `None` when a placeholder leaves it open (`{{any}}`, an unbound origin).
    pub fn resolved(&self, bindings: &Bindings) -> Option<std::borrow::Cow<'_, str>> {
        if let Some(literal) = self.as_literal() {
            return Some(std::borrow::Cow::Borrowed(literal));
        }
        let mut out = String::new();
        for segment in self.segments() {
            match segment {
                Segment::Literal(l) => out.push_str(l),
                Segment::Var(name) => out.push_str(bindings.vars.get(name)?),
                Segment::Origin => out.push_str(bindings.origin.as_deref()?),
                Segment::Any | Segment::Uuid | Segment::Int => return None,
            }
        }
        Some(std::borrow::Cow::Owned(out))
    }

    fn segments(&self) -> &[Segment] {
        match &self.0.kind {
            Kind::Template(segments) => segments,
            _ => &[],
        }
    }

    /// Names of the `{{NAME}}` variables the pattern refers to.
    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.segments().iter().filter_map(|s| match s {
            Segment::Var(name) => Some(name.as_str()),
            _ => None,
        })
    }

    /// Whether it holds `{{origin}}`.
    pub fn uses_origin(&self) -> bool {
        self.segments().iter().any(|s| matches!(s, Segment::Origin))
    }

    /// Whether `text` matches. A first `{{origin}}` binds the origin in `bindings`;
    /// the binding is kept only when the whole value matches.
    pub fn matches(&self, text: &str, bindings: &mut Bindings) -> bool {
        if let Some(literal) = self.as_literal() {
            return literal == text;
        }
        let open = |s: &&Segment| matches!(s, Segment::Any | Segment::Int);
        if self.segments().iter().filter(open).count() < 2 {
            return match_segments(self.segments(), text, bindings);
        }
        // Two open-ended placeholders make backtracking polynomial in the text
        // (`{{any}}x{{any}}y` against a long value); positions do not.
        match self.segments().split_first() {
            Some((Segment::Origin, rest)) if bindings.origin.is_none() => {
                let Some(len) = origin_prefix_len(text) else {
                    return false;
                };
                bindings.origin = Some(text[..len].to_string());
                let ok = match_by_positions(rest, &text[len..], bindings);
                if !ok {
                    bindings.origin = None;
                }
                ok
            }
            _ if self.segments().iter().any(|s| matches!(s, Segment::Origin))
                && bindings.origin.is_none() =>
            {
                match_segments(self.segments(), text, bindings)
            }
            _ => match_by_positions(self.segments(), text, bindings),
        }
    }
}

/// Whether `segments` match `text`, by the set of text positions each segment
/// can end at: linear in the text per segment, whatever the placeholders.
/// Needs the origin bound (or absent): nothing is bound here.
fn match_by_positions(segments: &[Segment], text: &str, bindings: &Bindings) -> bool {
    let n = text.len();
    let mut reach = vec![false; n + 1];
    reach[0] = true;
    for segment in segments {
        let mut next = vec![false; n + 1];
        let fixed = |value: &str, next: &mut Vec<bool>| {
            for p in (0..=n).filter(|&p| reach[p]) {
                if text[p..].starts_with(value) {
                    next[p + value.len()] = true;
                }
            }
        };
        match segment {
            Segment::Literal(l) => fixed(l, &mut next),
            Segment::Var(name) => match bindings.vars.get(name) {
                Some(value) => fixed(value, &mut next),
                None => return false,
            },
            Segment::Origin => match bindings.origin.as_deref() {
                Some(origin) => fixed(origin, &mut next),
                None => return false,
            },
            Segment::Uuid => {
                for p in (0..=n).filter(|&p| reach[p] && p + 36 <= n) {
                    if text.is_char_boundary(p + 36) && is_uuid(&text[p..p + 36]) {
                        next[p + 36] = true;
                    }
                }
            }
            Segment::Any => {
                if let Some(first) = reach.iter().position(|r| *r) {
                    (first..=n).for_each(|q| next[q] = text.is_char_boundary(q));
                }
            }
            Segment::Int => ints(text, &reach, &mut next),
        }
        if !next.contains(&true) {
            return false;
        }
        reach = next;
    }
    reach[n]
}

/// Where an integer that starts at a reachable position can end: the runs of
/// digits, marked as intervals in one sweep (a run of a million digits is not
/// walked a million times).
fn ints(text: &str, reach: &[bool], next: &mut [bool]) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    // digits_from[p]: how many digits start at p.
    let mut digits_from = vec![0usize; n + 1];
    for p in (0..n).rev() {
        if bytes[p].is_ascii_digit() {
            digits_from[p] = digits_from[p + 1] + 1;
        }
    }
    let mut opens = vec![0i64; n + 2];
    for p in (0..=n).filter(|&p| reach[p]) {
        let start = p + usize::from(bytes.get(p) == Some(&b'-'));
        let d = digits_from.get(start).copied().unwrap_or(0);
        if d > 0 {
            opens[start + 1] += 1;
            opens[start + d + 1] -= 1;
        }
    }
    let mut open = 0;
    for (q, slot) in next.iter_mut().enumerate() {
        open += opens[q];
        if open > 0 {
            *slot = true;
        }
    }
}

fn match_segments(segments: &[Segment], text: &str, bindings: &mut Bindings) -> bool {
    let Some((first, rest)) = segments.split_first() else {
        return text.is_empty();
    };
    match first {
        Segment::Literal(literal) => text
            .strip_prefix(literal.as_str())
            .is_some_and(|tail| match_segments(rest, tail, bindings)),
        Segment::Var(name) => match bindings.vars.get(name) {
            Some(value) => text
                .strip_prefix(value.as_str())
                .is_some_and(|tail| match_segments(rest, tail, bindings)),
            None => false,
        },
        Segment::Origin => match bindings.origin.as_deref() {
            Some(origin) => {
                // Not cloned: a golden has an origin in every link.
                let len = origin.len();
                text.starts_with(origin) && match_segments(rest, &text[len..], bindings)
            }
            None => {
                let Some(len) = origin_prefix_len(text) else {
                    return false;
                };
                bindings.origin = Some(text[..len].to_string());
                if match_segments(rest, &text[len..], bindings) {
                    true
                } else {
                    bindings.origin = None;
                    false
                }
            }
        },
        Segment::Uuid => {
            text.len() >= 36
                && text.is_char_boundary(36)
                && is_uuid(&text[..36])
                && match_segments(rest, &text[36..], bindings)
        }
        Segment::Int => {
            let sign = usize::from(text.starts_with('-'));
            let digits = text[sign..]
                .bytes()
                .take_while(|b| b.is_ascii_digit())
                .count();
            (1..=digits)
                .rev()
                .any(|n| match_segments(rest, &text[sign + n..], bindings))
        }
        Segment::Any => {
            if rest.is_empty() {
                return true;
            }
            text.char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(text.len()))
                .any(|i| match_segments(rest, &text[i..], bindings))
        }
    }
}

/// Length of a leading `scheme://authority`, the part of a URL that names the server.
pub fn origin_prefix_len(text: &str) -> Option<usize> {
    let scheme_end = text.find("://")?;
    let scheme = &text[..scheme_end];
    let mut scheme_chars = scheme.chars();
    if !scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !scheme_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return None;
    }
    let authority = &text[scheme_end + 3..];
    let len = authority
        .find(|c: char| matches!(c, '/' | '?' | '#' | '"' | '<' | '>') || c.is_whitespace())
        .unwrap_or(authority.len());
    (len > 0).then_some(scheme_end + 3 + len)
}

/// Every `scheme://authority` that starts somewhere in `text`: what
/// `{{origin}}` could stand for in it.
pub fn origins_in(text: &str) -> impl Iterator<Item = &str> + '_ {
    text.match_indices("://").filter_map(move |(at, _)| {
        let scheme = text[..at]
            .bytes()
            .rev()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
            .count();
        let start = at - scheme;
        origin_prefix_len(&text[start..]).map(|len| &text[start..start + len])
    })
}

/// Whether `text` is a hyphenated UUID.
pub fn is_uuid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Writes a recorded value back as a pattern: the origin, captured variables and
/// UUIDs become placeholders, so a golden holds no host, session id or token.
pub fn templatize(value: &str, bindings: &Bindings) -> String {
    let mut replacements: Vec<(&str, String)> = Vec::new();
    if let Some(origin) = &bindings.origin {
        replacements.push((origin.as_str(), "{{origin}}".to_string()));
    }
    for (name, captured) in &bindings.vars {
        if !captured.is_empty() && bindings.templatized.contains(name) {
            replacements.push((captured.as_str(), format!("{{{{{name}}}}}")));
        }
    }
    // Longest first, so a token that contains an id is replaced whole.
    replacements.sort_by_key(|r| std::cmp::Reverse(r.0.len()));
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    'outer: while !rest.is_empty() {
        for (needle, placeholder) in &replacements {
            if let Some(tail) = rest.strip_prefix(needle) {
                out.push_str(placeholder);
                rest = tail;
                continue 'outer;
            }
        }
        // A response's own `{{` must not read as a placeholder in the golden.
        if let Some(tail) = rest.strip_prefix("{{") {
            out.push_str("{{'{{'}}");
            rest = tail;
            continue;
        }
        if rest.len() >= 36 && rest.is_char_boundary(36) && is_uuid(&rest[..36]) {
            out.push_str("{{uuid}}");
            rest = &rest[36..];
            continue;
        }
        let ch = rest.chars().next().expect("rest is not empty");
        out.push(ch);
        rest = &rest[ch.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bindings(vars: &[(&str, &str)]) -> Bindings {
        let mut b = Bindings::default();
        for (k, v) in vars {
            b.bind_capture(k, v);
        }
        b
    }

    /// Every pattern of up to three pieces over a small alphabet, against
    /// every text of up to five characters: positions and backtracking agree.
    #[test]
    fn matching_by_positions_agrees_with_backtracking() {
        let pieces = ["{{any}}", "{{int}}", "a", "1", "-", "{{id}}", "a1"];
        let alphabet = ['a', '1', '-', 'é'];
        let b = bindings(&[("id", "a1")]);
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        texts.sort();
        texts.dedup();
        let mut patterns = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> = patterns
                .iter()
                .flat_map(|p| pieces.iter().map(move |x| format!("{p}{x}")))
                .collect();
            patterns.extend(longer);
        }
        let mut checked = 0;
        for raw in &patterns {
            let Ok(p) = Pattern::parse(raw) else { continue };
            for t in &texts {
                let slow = match_segments(p.segments(), t, &mut b.clone());
                let fast = match_by_positions(p.segments(), t, &b);
                assert_eq!(slow, fast, "{raw:?} against {t:?}");
                checked += 1;
            }
        }
        assert!(checked > 100_000, "{checked}");
    }

    #[test]
    fn a_uuid_is_matched_only_where_the_pattern_reaches() {
        let uuid = "ae0dab67-06f0-40e8-8331-047734fc3484";
        let p = Pattern::parse("{{int}}{{uuid}}{{any}}").unwrap();
        let b = Bindings::default();
        assert!(match_by_positions(p.segments(), &format!("1{uuid}"), &b));
        assert!(!match_by_positions(p.segments(), &format!("1x{uuid}"), &b));
        let not_uuid = "x".repeat(36);
        assert!(!match_by_positions(
            p.segments(),
            &format!("1{not_uuid}"),
            &b
        ));
    }

    #[test]
    fn open_placeholders_then_text_do_not_backtrack_over_a_long_value() {
        let p = Pattern::parse("{{any}}x{{any}}y{{any}}z").unwrap();
        let long = "x".repeat(200_000) + "y";
        let started = std::time::Instant::now();
        assert!(!p.matches(&long, &mut Bindings::default()));
        assert!(p.matches(&(long + "z"), &mut Bindings::default()));
        // Backtracking took minutes on this; the bound is generous for debug builds.
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }

    #[test]
    fn a_leading_origin_is_bound_once_also_with_open_placeholders() {
        let p = Pattern::parse("{{origin}}/{{any}}/{{int}}").unwrap();
        let mut b = Bindings::default();
        assert!(p.matches("https://em01:9398/api/7", &mut b));
        assert_eq!(b.origin.as_deref(), Some("https://em01:9398"));
        let mut unbound = Bindings::default();
        assert!(!p.matches("https://em01:9398/api/x", &mut unbound));
        assert_eq!(unbound.origin, None, "a failed match binds nothing");
        assert!(
            !p.matches("https://other:1/api/7", &mut b),
            "bound stays bound"
        );
        // An origin further in, with open placeholders around it, still binds.
        let inner = Pattern::parse("{{any}} at {{origin}}/{{int}}").unwrap();
        let mut b = Bindings::default();
        assert!(inner.matches("session 7 at https://em01:9398/12", &mut b));
        assert_eq!(b.origin.as_deref(), Some("https://em01:9398"));
    }

    #[test]
    fn origins_are_found_wherever_a_url_starts() {
        let found: Vec<&str> =
            origins_in("see https://em01:9398/api/ and x+y://h then ://none or http://").collect();
        assert_eq!(found, ["https://em01:9398", "x+y://h"]);
        assert!(Pattern::parse("{{origin}}/x").unwrap().uses_origin());
        assert!(!Pattern::parse("{{any}}/x").unwrap().uses_origin());
    }

    #[test]
    fn literal_and_placeholders() {
        let mut b = bindings(&[("id", "abc")]);
        let p = Pattern::parse("{{origin}}/api/logonSessions/{{id}}").unwrap();
        assert!(p.matches("http://h:9399/api/logonSessions/abc", &mut b));
        assert_eq!(b.origin.as_deref(), Some("http://h:9399"));
        assert!(!p.matches("http://other:9399/api/logonSessions/abc", &mut b));
        assert!(!p.matches("http://h:9399/api/logonSessions/abd", &mut b));
    }

    #[test]
    fn uuid_int_any() {
        let mut b = Bindings::default();
        let p = Pattern::parse("x-{{uuid}}-{{int}}-{{any}}!").unwrap();
        assert!(p.matches(
            "x-ae0dab67-06f0-40e8-8331-047734fc3484-42-whatever!",
            &mut b
        ));
        assert!(!p.matches("x-ae0dab67-06f0-40e8-8331-047734fc348-42-w!", &mut b));
        assert!(!p.matches("x-ae0dab67-06f0-40e8-8331-047734fc3484--w!", &mut b));
        assert!(Pattern::parse("{{any}}").unwrap().matches("", &mut b));
    }

    #[test]
    fn unbound_variable_never_matches() {
        let p = Pattern::parse("{{nope}}").unwrap();
        assert!(!p.matches("", &mut Bindings::default()));
    }

    #[test]
    fn bad_placeholders_are_errors() {
        assert!(Pattern::parse("{{any").is_err());
        let err = Pattern::parse("ab{{1x}}").unwrap_err();
        assert_eq!(err.offset, 2);
    }

    #[test]
    fn templatize_replaces_origin_captures_and_uuids() {
        let mut b = bindings(&[("session_id", "ae0dab67-06f0-40e8-8331-047734fc3484")]);
        b.origin = Some("http://h:1".into());
        assert_eq!(
            templatize(
                "http://h:1/api/logonSessions/ae0dab67-06f0-40e8-8331-047734fc3484?x=11111111-2222-3333-4444-555555555555",
                &b
            ),
            "{{origin}}/api/logonSessions/{{session_id}}?x={{uuid}}"
        );
    }

    #[test]
    fn quoted_text_is_literal_and_bless_quotes_a_response_brace() {
        let p = Pattern::parse("a{{'{{'}}b}}").unwrap();
        assert_eq!(p.as_literal(), Some("a{{b}}"));
        assert!(p.matches("a{{b}}", &mut Bindings::default()));
        assert!(!p.matches("a{{'{{'}}b}}", &mut Bindings::default()));
        let p = Pattern::parse("{{'}}'}}-{{int}}").unwrap();
        assert_eq!(p.as_literal(), None);
        assert!(p.matches("}}-42", &mut Bindings::default()));
        assert!(Pattern::parse("{{'open").is_err());
        let blessed = templatize("x{{y}}{{", &Bindings::default());
        assert_eq!(blessed, "x{{'{{'}}y}}{{'{{'}}");
        let p = Pattern::parse(&blessed).unwrap();
        assert_eq!(p.as_literal(), Some("x{{y}}{{"));
    }
}
