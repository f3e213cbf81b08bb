//! A suite's knowledge files said in the user's terms. serde names the
//! tool's own types when a value has the wrong shape ("expected struct
//! RawCatalogue"); the user wrote YAML keys, so an error says what the key
//! expects, with an example of its form. And a problem found after reading
//! (a deviation about everything) is placed at the line that names its id.

/// What each knowledge type is, as its key in the file expects it, with an
/// example. Every type a knowledge file deserializes is here, so that no
/// internal name reaches the user.
const SHAPES: [(&str, &str); 16] = [
    (
        "RawKnowledge",
        "`versions.yaml` is a map of `facts:`, `sessions:`, `deviations:`, `volatile:` and `contract:`, e.g. `deviations: [{ id: my-deviation, step: logon, documented: ..., observed: ..., source: ..., expect: { status: 500 } }]`",
    ),
    (
        "RawCatalogue",
        "`requirements.yaml` is a map whose `requirements:` is a list of requirements: `requirements: [{ id: em.mine.name, text: what it requires, source: where the vendor writes it }]`",
    ),
    (
        "Requirement",
        "a requirement is a map: `- { id: em.mine.name, text: what it requires, source: where the vendor writes it }`",
    ),
    (
        "RequirementScope",
        "`requires:` is a map: `{ capabilities: [cloud-connect], versions: \">= v1_7\" }`",
    ),
    (
        "FactRules",
        "`facts:` is a map: `{ version: versions, aliases: [latest], capabilities: { cloud-connect: cloud_link } }`",
    ),
    (
        "SessionRules",
        "`sessions:` is a map: `{ check: { path: logonSessions }, end: [{ name: delete-session, request: { method: DELETE, url: \"${session_href}\" } }] }`",
    ),
    (
        "EndWay",
        "each of `end:` is a map: `{ name: delete-session, request: { method: DELETE, url: \"${session_href}\" } }`",
    ),
    (
        "Deviation",
        "a known deviation is a map: `- { id: my-deviation, request: { methods: [GET], path: \"logonSessions/{id}\" }, documented: ..., observed: ..., source: ..., expect: { status: 500 } }`",
    ),
    (
        "RequestShape",
        "`request:` is a map: `{ methods: [GET, DELETE], path: \"logonSessions/{id}\" }`",
    ),
    (
        "Request",
        "a request is a map: `{ method: GET, path: logonSessions, headers: { X-RestSvcSessionId: \"${token}\" } }`",
    ),
    (
        "Expect",
        "`expect:` is a map: `{ status: 500, golden: veeam-em/error-500 }`",
    ),
    (
        "Volatile",
        "a volatile value is a map: `- { attribute: loginTime, placeholder: \"{{int}}\", source: ... }`",
    ),
    (
        "Contract",
        "`contract:` is a map of `sets:`, `optional:` and `open:`, e.g. `contract: { sets: [{ items: [Link], arrays: [Links], source: ... }] }`",
    ),
    (
        "SetRule",
        "each of `sets:` is a map: `- { items: [Link], arrays: [Links], source: ... }`",
    ),
    (
        "OptionalRule",
        "each of `optional:` is a map: `- { of: [LogonSession], members: [Extra], source: ... }`",
    ),
    (
        "OpenRule",
        "each of `open:` is a map: `- { of: [EnterpriseManager], source: ... }`",
    ),
];

/// `message` (serde's) with the tool's type names replaced by what the key
/// expects, and serde's words for YAML's kinds by the user's.
pub(super) fn in_user_terms(message: &str) -> String {
    let Some(at) = message.find("expected struct ") else {
        return message.replace("expected a sequence", "expected a list (`- ...` lines)");
    };
    let rest = &message[at + "expected struct ".len()..];
    let end = rest
        .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .unwrap_or(rest.len());
    let (name, tail) = rest.split_at(end);
    let shape = SHAPES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("expected a map", |(_, s)| s);
    let head = &message[..at];
    // "invalid type: sequence, " reads as what was found.
    let found = head
        .rsplit_once("invalid type: ")
        .map(|(before, kind)| (before, kind.trim_end().trim_end_matches(',')));
    match found {
        Some((before, kind)) => format!("{before}found {}, but {shape}{tail}", kind_words(kind)),
        None => format!("{head}{shape}{tail}"),
    }
}

/// serde's name of a YAML kind, as a user calls it.
fn kind_words(kind: &str) -> String {
    match kind {
        "sequence" => "a list".into(),
        "map" => "a map".into(),
        "unit value" => "nothing".into(),
        other => other.into(),
    }
}

/// The line and column of `id: VALUE` in `text` (block or flow style,
/// quoted or not), where a problem of the entry with that id is placed.
pub(super) fn place_of_id(text: &str, value: &str) -> Option<(u32, u32)> {
    for (n, line) in text.lines().enumerate() {
        let mut from = 0;
        while let Some(i) = line[from..].find("id:") {
            let at = from + i;
            from = at + 3;
            let starts_key = at == 0 || !line[..at].ends_with(|c: char| c.is_alphanumeric());
            let after = line[from..].trim_start();
            let token = after
                .split([',', '}', '#'])
                .next()
                .unwrap_or_default()
                .trim()
                .trim_matches(['"', '\'']);
            if starts_key && token == value {
                return Some((n as u32 + 1, at as u32 + 1));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_type_name_of_the_tool_reaches_the_user() {
        let said = in_user_terms("invalid type: sequence, expected struct RawCatalogue");
        assert_eq!(
            said,
            "found a list, but `requirements.yaml` is a map whose `requirements:` is a list of requirements: `requirements: [{ id: em.mine.name, text: what it requires, source: where the vendor writes it }]`"
        );
        let said = in_user_terms("facts: invalid type: sequence, expected struct FactRules");
        assert!(
            said.starts_with("facts: found a list, but `facts:` is a map: `{ version: versions"),
            "{said}"
        );
        let unknown = in_user_terms("x: invalid type: string \"a\", expected struct Whatever");
        assert_eq!(unknown, "x: found string \"a\", but expected a map");
        assert_eq!(
            in_user_terms("deviations: invalid type: map, expected a sequence"),
            "deviations: invalid type: map, expected a list (`- ...` lines)"
        );
        // Every shape is a user's word: no name of the tool's types in it.
        for (name, shape) in SHAPES {
            assert!(!shape.contains(name), "{name}: {shape}");
        }
    }

    #[test]
    fn an_id_is_found_in_block_and_flow_style() {
        let text = "deviations:\n  - id: x\n    step: t\n  - { step: u, id: \"y\" }\n  - grid: z\n";
        assert_eq!(place_of_id(text, "x"), Some((2, 5)));
        assert_eq!(place_of_id(text, "y"), Some((4, 16)));
        assert_eq!(place_of_id(text, "z"), None);
        assert_eq!(place_of_id(text, "t"), None);
    }
}
