use super::*;

fn contract() -> Contract {
    let yaml = r#"
sets:
  - items: [LogonSession]
    arrays: [LogonSessions]
    own: true
    source: lists hold every session
  - items: [Link]
    arrays: [Links]
    keep: [{ Rel: Up }, { Rel: Delete }]
    source: links vary
optional:
  - of: [Link, Links]
    members: [Type]
    when: { Rel: Delete }
    source: U4 drops it
open:
  - of: [Extended]
    source: newer add
"#;
    serde_yaml::from_str(yaml).unwrap()
}

fn bindings() -> Bindings {
    let mut b = Bindings::default();
    b.bind("user", "Administrator");
    b.bind_capture("session_id", "{{session_id}}");
    b
}

fn applied(path: &str, text: &str) -> (String, Vec<String>) {
    let b = bindings();
    let context = Context {
        bindings: &b,
        scope: &[],
        secrets: &[],
    };
    apply(Path::new(path), text, &contract(), context).unwrap()
}

#[test]
fn a_session_list_keeps_the_callers_own_entry_and_allows_the_rest() {
    let list = r#"<LogonSessions xmlns="urn:v">
  <LogonSession><UserName>SRV\Other</UserName><SessionId>x1</SessionId></LogonSession>
  <LogonSession><UserName>SRV\Administrator</UserName><SessionId>x2</SessionId></LogonSession>
  <LogonSession><UserName>SRV\Administrator</UserName><SessionId>{{session_id}}</SessionId>
    <Links><Link Rel="Down" Href="a"/><Link Rel="Delete" Type="LogonSession" Href="d"/><Link Rel="Up" Type="EM" Href="u"/></Links>
  </LogonSession>
</LogonSessions>"#;
    let (out, notes) = applied("l.xml", list);
    assert_eq!(out.matches("<LogonSession>").count(), 1, "{out}");
    assert!(
        out.contains("<SessionId>{{session_id}}</SessionId>"),
        "{out}"
    );
    assert!(
        out.contains(r"<UserName>{{any}}\{{user}}</UserName>"),
        "{out}"
    );
    assert!(
        out.contains(r#"sc:order="any" sc:extra="children""#),
        "{out}"
    );
    assert!(!out.contains("Rel=\"Down\""), "{out}");
    assert!(
        out.contains(r#"<Link Rel="Up" Type="EM" Href="u"/>"#),
        "{out}"
    );
    assert!(
        out.contains(r#"<Link sc:extra="attributes" Href="d" Rel="Delete"/>"#)
            || out.contains(r#"sc:extra="attributes""#) && !out.contains("Type=\"LogonSession\""),
        "{out}"
    );
    let said = notes.join("\n");
    assert!(
        said.contains("kept 1 of 3 <LogonSession> (the caller's own)"),
        "{said}"
    );
    assert!(
        said.contains("kept 2 of 3 <Link> (those every documented version serves)"),
        "{said}"
    );
    assert!(
        said.contains(r"`SRV\Administrator` written `{{any}}\{{user}}`"),
        "{said}"
    );
    assert!(said.contains("`Type` not pinned"), "{said}");
}

#[test]
fn a_list_with_no_entry_of_the_caller_keeps_none_and_still_allows_all() {
    let (out, notes) = applied(
        "l.xml",
        "<LogonSessions><LogonSession><SessionId>x1</SessionId></LogonSession></LogonSessions>",
    );
    assert!(!out.contains("<LogonSession>"), "{out}");
    assert!(out.contains(r#"sc:extra="children""#), "{out}");
    assert!(notes[0].contains("kept 0 of 1"), "{notes:?}");
}

#[test]
fn json_sets_optional_members_and_open_objects_follow_the_same_rules() {
    let text = r#"{"LogonSessions": [
        {"UserName": "Other", "SessionId": "x"},
        {"UserName": "SRV\\Administrator", "SessionId": "{{session_id}}",
         "Links": [{"Rel": "Down", "Href": "a"}, {"Rel": "Delete", "Type": "LogonSession", "Href": "d"}]}
    ], "Extended": {"a": 1}}"#;
    let (out, notes) = applied("l.json", text);
    let doc = crate::json::parse(&out).unwrap();
    assert_eq!(
        doc.to_compact(),
        r#"{"LogonSessions":[{"sc:order":"any","sc:extra":"items"},{"UserName":"{{any}}\\{{user}}","SessionId":"{{session_id}}","Links":[{"sc:order":"any","sc:extra":"items"},{"sc:extra":"members","Rel":"Delete","Href":"d"}]}],"Extended":{"sc:extra":"members","a":1}}"#
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("$.LogonSessions: kept 1 of 2")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("$.Extended: other members allowed")),
        "{notes:?}"
    );
    let compiled = crate::golden::Golden::compile(Path::new("l.json"), &out);
    assert!(compiled.is_ok(), "{out}");
}

#[test]
fn a_contract_that_cannot_be_used_says_why() {
    let bad: Contract = serde_yaml::from_str(
        "sets:\n  - source: s\n  - items: [A]\n    own: true\n    keep: [{ a: b }]\n    source: s\noptional:\n  - of: [A]\n    members: []\n    source: s\n",
    )
    .unwrap();
    let problems = bad.problems();
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(problems[1].contains("`own` and `keep`"), "{problems:?}");
    assert!(contract().problems().is_empty());
    let both = contract().extended(bad);
    assert_eq!(both.sets.len(), 4);
}

#[test]
fn the_books_example_of_a_suites_rules_reads_and_can_be_used() {
    let chapter = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/book/src/bless.md"
    ))
    .unwrap();
    let opening = "```yaml\n# scenarios/veeam-em/knowledge/versions.yaml\ncontract:\n";
    let start = chapter
        .find(opening)
        .expect("the book's bless chapter shows a contract")
        + 8;
    let text = &chapter[start..];
    let text = &text[..text.find("```").unwrap()];
    #[derive(serde::Deserialize)]
    struct Suite {
        contract: Contract,
        #[allow(dead_code)]
        volatile: Vec<crate::golden::volatile::Volatile>,
    }
    let suite: Suite = serde_yaml::from_str(text).unwrap();
    assert!(suite.contract.problems().is_empty());
    assert_eq!(suite.contract.sets[0].arrays, ["Jobs"]);
}
