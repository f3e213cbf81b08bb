//! The comparator against the rules of the core issue: what must compare equal,
//! what must not, and what a difference reports.

use sessionconf::placeholder::Bindings;
use sessionconf::xml::compare::{compare, Comparison, DifferenceKind};
use sessionconf::xml::expected::ExpectedElement;
use sessionconf::xml::pretty::{to_pretty_string, GoldenMarkers};

fn run(golden: &str, actual: &str, bindings: &Bindings) -> Comparison<'static> {
    // Leaked: a comparison borrows its golden, and these are small.
    let expected: &'static ExpectedElement = Box::leak(Box::new(
        ExpectedElement::compile(golden).expect("golden compiles"),
    ));
    let doc = sessionconf::xml::parse(actual).expect("actual parses");
    compare(expected, doc.root_element(), bindings)
}

fn same(golden: &str, actual: &str) {
    let c = run(golden, actual, &Bindings::default());
    assert!(c.is_match(), "expected a match, got {:#?}", c.differences);
}

fn differs(golden: &str, actual: &str) -> Vec<String> {
    let c = run(golden, actual, &Bindings::default());
    assert!(
        !c.is_match(),
        "expected a difference between\n{golden}\nand\n{actual}"
    );
    c.differences.iter().map(|d| d.to_string()).collect()
}

const SC: &str = r#"xmlns:sc="urn:sessionconf:golden""#;

#[test]
fn equal_under_prefix_change() {
    same(
        r#"<LogonSession xmlns="http://www.veeam.com/ent/v1.0"><UserName>a</UserName></LogonSession>"#,
        r#"<v:LogonSession xmlns:v="http://www.veeam.com/ent/v1.0"><v:UserName>a</v:UserName></v:LogonSession>"#,
    );
}

#[test]
fn equal_under_attribute_order_and_namespace_declarations() {
    same(
        r#"<Link xmlns="urn:v" Rel="Up" Type="EnterpriseManager" Href="h"/>"#,
        r#"<Link xmlns="urn:v" xmlns:xsd="http://www.w3.org/2001/XMLSchema" Href="h" Type="EnterpriseManager" Rel="Up"/>"#,
    );
}

#[test]
fn equal_under_whitespace_declaration_and_self_closing() {
    same(
        "<A><B/><C>x</C></A>",
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<A>\n   <B></B>\n\t<C>x</C>\n</A>\n",
    );
}

#[test]
fn equal_under_cdata_and_character_references() {
    same(
        "<A><B>a &amp; b</B><C>&#65;</C></A>",
        "<A><B><![CDATA[a & b]]></B><C>A</C></A>",
    );
    same(
        "<A>SRV36\\Administrator</A>",
        "<A>SRV36&#x5C;Administrator</A>",
    );
}

#[test]
fn changed_namespace_uri_differs() {
    let d = differs(r#"<A xmlns="urn:one"/>"#, r#"<A xmlns="urn:two"/>"#);
    assert!(
        d[0].contains("{urn:one}A") && d[0].contains("{urn:two}A"),
        "{d:?}"
    );
}

#[test]
fn missing_and_extra_attributes_differ() {
    let d = differs(r#"<A x="1" y="2"/>"#, r#"<A x="1"/>"#);
    assert_eq!(d, ["/A/@y: missing attribute, expected \"2\""]);
    let d = differs(r#"<A x="1"/>"#, r#"<A x="1" z="3"/>"#);
    assert_eq!(d, ["/A/@z: unexpected attribute, found \"3\""]);
}

#[test]
fn changed_text_differs_with_its_path() {
    let d = differs("<A><B>x</B></A>", "<A><B>y</B></A>");
    assert_eq!(d, ["/A/B/text(): expected \"x\", found \"y\""]);
}

#[test]
fn missing_and_extra_children_differ() {
    let d = differs("<A><B/><C/></A>", "<A><B/></A>");
    assert_eq!(d, ["/A/C: missing element <C>"]);
    let d = differs("<A><B/></A>", "<A><B/><C/></A>");
    assert_eq!(d, ["/A/C: unexpected element <C>"]);
}

#[test]
fn swapped_sequence_order_differs() {
    let d = differs("<A><B/><C/></A>", "<A><C/><B/></A>");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        d,
        ["/A/B: expected at position 1, found at position 2 (moved)"]
    );
}

#[test]
fn paths_name_links_by_a_distinguishing_attribute() {
    let golden = r#"<S><Links><Link Rel="Up" Href="u"/><Link Rel="Delete" Href="d"/></Links></S>"#;
    let actual = r#"<S><Links><Link Rel="Up" Href="u"/><Link Rel="Delete" Href="D"/></Links></S>"#;
    assert_eq!(
        differs(golden, actual),
        ["/S/Links/Link[@Rel='Delete']/@Href: expected \"d\", found \"D\""]
    );
}

#[test]
fn unordered_children_match_as_a_multiset() {
    let golden =
        format!(r#"<L {SC} sc:order="any"><Link Rel="a"/><Link Rel="b"/><Link Rel="a"/></L>"#);
    same(
        &golden,
        r#"<L><Link Rel="b"/><Link Rel="a"/><Link Rel="a"/></L>"#,
    );
    // Duplicates count: two expected "a" need two actual "a".
    let d = differs(
        &golden,
        r#"<L><Link Rel="b"/><Link Rel="a"/><Link Rel="b"/></L>"#,
    );
    // The unmatched "a" is missing and the extra "b" unexpected: a "b" is never
    // reported as an "a" that differs.
    assert!(d.iter().any(|d| d.contains("missing element")), "{d:?}");
    assert!(d.iter().any(|d| d.contains("unexpected element")), "{d:?}");
    assert!(!d.iter().any(|d| d.contains("found \"b\"")), "{d:?}");
    differs(&golden, r#"<L><Link Rel="b"/><Link Rel="a"/></L>"#);
    differs(
        &golden,
        r#"<L><Link Rel="b"/><Link Rel="a"/><Link Rel="a"/><Link Rel="c"/></L>"#,
    );
}

#[test]
fn unordered_matching_is_not_fooled_by_greedy_choices() {
    // A greedy matcher gives the first actual "x" to {{any}} and then has nothing for "x".
    let golden = format!(r#"<L {SC} sc:order="any"><I>{{{{any}}}}</I><I>x</I></L>"#);
    same(&golden, "<L><I>x</I><I>y</I></L>");
}

#[test]
fn extras_allowed_only_where_the_golden_says() {
    let golden = format!(
        r#"<L {SC} sc:order="any" sc:extra="children"><Link Rel="Up"/><Link Rel="Delete"/></L>"#
    );
    same(
        &golden,
        r#"<L><Link Rel="New"/><Link Rel="Delete"/><Link Rel="Up"/></L>"#,
    );
    // What the golden mentions must still be there.
    let d = differs(&golden, r#"<L><Link Rel="New"/><Link Rel="Up"/></L>"#);
    assert!(d.iter().any(|d| d.contains("Delete")), "{d:?}");
    // Extra attributes are a separate permission, per element.
    differs(
        &golden,
        r#"<L><Link Rel="Up" New="1"/><Link Rel="Delete"/></L>"#,
    );
    let golden = format!(r#"<L {SC} sc:extra="attributes" a="1"><B/></L>"#);
    same(&golden, r#"<L b="2" a="1"><B/></L>"#);
    differs(&golden, r#"<L b="2" a="1"><B/><C/></L>"#);
}

#[test]
fn ordered_extras_keep_the_golden_order() {
    let golden = format!(r#"<A {SC} sc:extra="children"><B/><D/></A>"#);
    same(&golden, "<A><B/><C/><D/><E/></A>");
    differs(&golden, "<A><D/><B/></A>");
}

#[test]
fn placeholders_whole_and_partial() {
    let golden =
        r#"<S Href="{{origin}}/api/logonSessions/{{uuid}}" N="{{int}}"><U>{{any}}\admin</U></S>"#;
    same(
        golden,
        r#"<S Href="https://em01:9398/api/logonSessions/ae0dab67-06f0-40e8-8331-047734fc3484" N="42"><U>SRV36\admin</U></S>"#,
    );
    differs(
        golden,
        r#"<S Href="https://em01:9398/api/logonSessions/nope" N="42"><U>SRV36\admin</U></S>"#,
    );
    differs(
        golden,
        r#"<S Href="https://em01:9398/api/logonSessions/ae0dab67-06f0-40e8-8331-047734fc3484" N="x"><U>SRV36\admin</U></S>"#,
    );
}

#[test]
fn a_variable_bound_in_two_places_must_equal_it_in_both() {
    let mut b = Bindings::default();
    b.bind_capture("session_id", "abc");
    let golden =
        r#"<S Href="{{origin}}/s/{{session_id}}"><SessionId>{{session_id}}</SessionId></S>"#;
    assert!(run(
        golden,
        r#"<S Href="http://h/s/abc"><SessionId>abc</SessionId></S>"#,
        &b
    )
    .is_match());
    let c = run(
        golden,
        r#"<S Href="http://h/s/abc"><SessionId>abd</SessionId></S>"#,
        &b,
    );
    assert_eq!(c.differences.len(), 1);
    assert_eq!(c.differences[0].path, "/S/SessionId/text()");
}

#[test]
fn origin_must_not_change_half_way() {
    let golden = r#"<S Href="{{origin}}/a"><L Href="{{origin}}/b"/></S>"#;
    same(
        golden,
        r#"<S Href="http://lb:1/a"><L Href="http://lb:1/b"/></S>"#,
    );
    let d = differs(
        golden,
        r#"<S Href="http://lb:1/a"><L Href="http://node2:1/b"/></S>"#,
    );
    assert_eq!(d.len(), 1);
    assert!(d[0].starts_with("/S/L/@Href"), "{d:?}");
    // An origin already bound by an earlier step must be kept too.
    let b = Bindings {
        origin: Some("http://lb:1".into()),
        ..Bindings::default()
    };
    assert!(!run(
        golden,
        r#"<S Href="http://x:1/a"><L Href="http://x:1/b"/></S>"#,
        &b
    )
    .is_match());
}

#[test]
fn comparison_binds_the_origin_it_saw() {
    let c = run(
        r#"<S Href="{{origin}}/a"/>"#,
        r#"<S Href="https://cs01/a"/>"#,
        &Bindings::default(),
    );
    assert_eq!(c.bindings.origin.as_deref(), Some("https://cs01"));
}

#[test]
fn normalized_actual_follows_the_golden() {
    let golden = format!(
        r#"<L xmlns="urn:v" {SC} sc:order="any" sc:extra="children"><Link Rel="a" Href="{{{{origin}}}}/a"/><Link Rel="b" Href="{{{{origin}}}}/b"/></L>"#
    );
    let actual = r#"<x:L xmlns:x="urn:v"><x:Link Href="http://h/b" Rel="b"/><x:Link Rel="new" Href="http://h/n"/><x:Link Href="http://h/a" Rel="a"/></x:L>"#;
    let c = run(&golden, actual, &Bindings::default());
    assert!(c.is_match(), "{:?}", c.differences);
    let expected = ExpectedElement::compile(&golden).unwrap();
    let golden_pretty = to_pretty_string(
        &sessionconf::xml::canonical::Element::from_expected(&expected),
        GoldenMarkers::Keep,
    );
    assert!(c.normalized.is_none(), "a match builds nothing");
    // Walking a matching document gives the golden back: bless keeps what matches.
    let doc = sessionconf::xml::parse(actual).unwrap();
    let walked =
        sessionconf::xml::compare::normalize(&expected, doc.root_element(), &Bindings::default());
    assert_eq!(
        to_pretty_string(&walked, GoldenMarkers::Keep),
        golden_pretty
    );
}

#[test]
fn difference_kinds_are_reported() {
    let c = run("<A x=\"1\"><B/></A>", "<A><C/></A>", &Bindings::default());
    let kinds: Vec<_> = c.differences.iter().map(|d| d.kind.clone()).collect();
    assert!(kinds.contains(&DifferenceKind::MissingAttribute));
    assert!(
        kinds.contains(&DifferenceKind::ElementName)
            || kinds.contains(&DifferenceKind::MissingElement)
    );
}

#[test]
fn bad_goldens_name_line_and_column() {
    let err = ExpectedElement::compile("<A>\n  <B x=\"{{nope\"/>\n</A>").unwrap_err();
    assert_eq!((err.line, err.col), (2, 6), "{err}");
    let err =
        ExpectedElement::compile(&format!("<A {SC}>\n<B sc:order=\"sideways\"/></A>")).unwrap_err();
    assert_eq!(err.line, 2);
    assert!(err.message.contains("sideways"), "{err}");
    // A prefixed name is placed at its prefix; an element at its `<`.
    let err = ExpectedElement::compile("<p:A xmlns:p=\"urn:x\">\n  <p:B p:x=\"{{nope\"/>\n</p:A>")
        .unwrap_err();
    assert_eq!((err.line, err.col), (2, 8), "{err}");
    let err = ExpectedElement::compile(&format!(
        "<A {SC}>\n <p:B xmlns:p=\"urn:x\" sc:name=\"any\"/></A>"
    ))
    .unwrap_err();
    assert_eq!((err.line, err.col), (2, 23), "{err}");
    // Text with a reference is not a slice of the golden: its element's position.
    let err = ExpectedElement::compile("<A>\n  <B>a&amp;{{nope}</B></A>").unwrap_err();
    assert_eq!((err.line, err.col), (2, 3), "{err}");
    let err = ExpectedElement::compile("<A>\n<B></C></A>").unwrap_err();
    assert_eq!(err.line, 2);
    assert!(err.message.contains("not well-formed"), "{err}");
    // As deep as a response may be, and no deeper.
    let depth = sessionconf::xml::tree::MAX_DEPTH;
    let nested = |n: usize| "<A>\n".repeat(n) + &"</A>".repeat(n);
    assert!(ExpectedElement::compile(&nested(depth)).is_ok());
    let err = ExpectedElement::compile(&nested(depth + 1)).unwrap_err();
    assert_eq!(err.line as usize, depth + 1, "{err}");
    assert!(err.message.contains("nested more than"), "{err}");
}

/// Sessions as bless records them: every id and link a placeholder, so only the
/// user name tells one from another.
fn sessions(users: &[usize], golden: bool) -> String {
    let mut out = format!(
        r#"<LogonSessions xmlns="urn:v" {SC}{}>"#,
        if golden { r#" sc:order="any""# } else { "" }
    );
    for &u in users {
        let (id, origin) = if golden {
            ("{{uuid}}".to_string(), "{{origin}}")
        } else {
            (
                format!("{u:08x}-06f0-40e8-8331-047734fc3484"),
                "http://em01:9399",
            )
        };
        out.push_str(&format!(
            r#"<LogonSession Href="{origin}/api/logonSessions/{id}" Type="LogonSession"><UserName>user{u}</UserName><SessionId>{id}</SessionId></LogonSession>"#
        ));
    }
    out + "</LogonSessions>"
}

#[test]
fn unordered_siblings_told_apart_only_by_a_child_text_match_in_any_order() {
    let users: Vec<usize> = (0..3000).collect();
    let mut shuffled = users.clone();
    shuffled.reverse();
    shuffled.swap(10, 2000);
    same(&sessions(&users, true), &sessions(&shuffled, false));
    // One user renamed: exactly that session is missing and the renamed one unexpected.
    let mut renamed = shuffled.clone();
    renamed[1234] = 9999;
    let found = differs(&sessions(&users, true), &sessions(&renamed, false));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("user1765") && found[0].contains("user9999"),
        "{found:#?}"
    );
}

#[test]
fn child_text_narrows_candidates_only_where_a_match_must_have_that_child_once() {
    // The golden allows extra children: the first <UserName> of an actual session
    // need not be the one the golden means. (A placeholder attribute keeps the
    // sessions from being told apart by their attributes alone.)
    same(
        &format!(
            r#"<L {SC} sc:order="any"><S k="{{{{any}}}}" sc:extra="children"><U>b</U></S><S k="{{{{any}}}}" sc:extra="children"><U>a</U></S></L>"#
        ),
        r#"<L><S k="1"><U>x</U><U>a</U></S><S k="2"><U>y</U><U>b</U></S></L>"#,
    );
    // Two children of one name: neither text pins the parent, since the first such
    // child of a match may be either (here the parent takes any order).
    same(
        &format!(
            r#"<L {SC} sc:order="any"><S k="{{{{any}}}}" sc:order="any"><U>a</U><U>b</U></S><S k="{{{{any}}}}" sc:order="any"><U>c</U><U>d</U></S></L>"#
        ),
        r#"<L><S k="2"><U>d</U><U>c</U></S><S k="1"><U>b</U><U>a</U></S></L>"#,
    );
    // Own text and attributes narrow too, and a same-valued sibling is not taken twice.
    same(
        &format!(r#"<L {SC} sc:order="any"><I k="1">a</I><I k="{{{{any}}}}">a</I><I>b</I></L>"#),
        r#"<L><I>b</I><I k="2">a</I><I k="1">a</I></L>"#,
    );
}

#[test]
fn an_unmatched_sibling_is_missing_not_compared_with_an_unrelated_one() {
    let golden = format!(
        r#"<Links {SC} sc:order="any" sc:extra="children"><Link Rel="Up" Href="/api/"/><Link sc:extra="attributes" Rel="Delete" Href="/api/s/1"/></Links>"#
    );
    // No Delete link at all: it is missing; the Down link is not "a Delete link that differs".
    let d = differs(
        &golden,
        r#"<Links><Link Rel="Up" Href="/api/"/><Link Rel="Down" Href="/api/agents"/></Links>"#,
    );
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].contains("missing element"), "{d:?}");
    // A Delete link with the wrong Href is that link, differing in its Href.
    let golden = golden.replace("Href=\"/api/s/1\"", "Href=\"{{origin}}/api/s/1\"");
    let d = differs(
        &golden,
        r#"<Links><Link Rel="Down" Href="/api/agents"/><Link Rel="Delete" Type="LogonSession" Href="http://h/api/s/2"/><Link Rel="Up" Href="/api/"/></Links>"#,
    );
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].contains("@Href") && d[0].contains("/api/s/2"), "{d:?}");
}

#[test]
fn the_root_name_may_be_left_open_but_only_on_the_root() {
    let golden = format!(r#"<Any {SC} sc:name="any"><sessions id="1"/></Any>"#);
    same(
        &golden,
        r#"<App_GetSessionsResponse><sessions id="1"/></App_GetSessionsResponse>"#,
    );
    differs(&golden, r#"<X><sessions id="2"/></X>"#);
    let nested = format!(r#"<A {SC}><B sc:name="any"/></A>"#);
    let err = ExpectedElement::compile(&nested).unwrap_err();
    assert!(err.message.contains("root element only"), "{}", err.message);
    assert!(ExpectedElement::compile(&format!(r#"<A {SC} sc:name="some"/>"#)).is_err());
}

#[test]
fn a_golden_is_held_to_the_rules_responses_are_held_to() {
    // Billion laughs: ten levels of ten references, a few hundred bytes that
    // would expand to gigabytes. Refused at once, as in a response.
    let mut dtd = String::from("<!DOCTYPE a [<!ENTITY e0 \"lol\">");
    for i in 1..10 {
        let refs = format!("&e{};", i - 1).repeat(10);
        dtd.push_str(&format!("<!ENTITY e{i} \"{refs}\">"));
    }
    let golden = format!("{dtd}]><a>&e9;</a>");
    let started = std::time::Instant::now();
    let err = ExpectedElement::compile(&golden).unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert!(err.message.contains("e9"), "{err}");
    for (bad, says) in [
        ("<a xmlns:p=''/>", "cannot be bound to no namespace"),
        ("<:a/>", "not a qualified name"),
        ("<?xml version='1.0' standalone='maybe'?><a/>", "standalone"),
    ] {
        let err = ExpectedElement::compile(bad).unwrap_err();
        assert!(err.message.contains(says), "{bad}: {err}");
        assert_eq!((err.line, err.col), (1, 1), "{bad}: {err}");
    }
}

#[test]
fn a_response_that_differs_everywhere_lists_a_hundred_and_counts_the_rest() {
    let golden = r#"<LogonSession><SessionId>1</SessionId></LogonSession>"#;
    let extra: String = (0..20_000).map(|i| format!("<X n=\"{i}\"/>")).collect();
    let actual = format!("<LogonSession><SessionId>1</SessionId>{extra}</LogonSession>");
    let c = run(golden, &actual, &Bindings::default());
    assert_eq!(c.differences.len(), sessionconf::xml::compare::LISTED);
    assert_eq!(c.omitted, 20_000 - sessionconf::xml::compare::LISTED);
    assert_eq!(c.differences[0].kind, DifferenceKind::UnexpectedElement);
    assert!(
        c.differences[0].path.contains("X[@n='0']"),
        "{}",
        c.differences[0]
    );
    // Through the golden interface: the count says all, the diff is cut.
    let path = std::env::temp_dir().join(format!("sc-everywhere-{}.xml", std::process::id()));
    std::fs::write(&path, golden).unwrap();
    let g = sessionconf::golden::Golden::load(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let v = g
        .judge_text(
            "g.xml",
            &actual,
            sessionconf::xml::Encoding::Utf8,
            &Bindings::default(),
        )
        .unwrap();
    assert!(
        v.summary.contains("in 20000 places (the first 100 listed)"),
        "{}",
        v.summary
    );
    assert!(
        v.diff.ends_with("more lines of diff)\n"),
        "{}",
        &v.diff[v.diff.len() - 200..]
    );
    assert!(v.diff.lines().count() <= 401);
}

#[test]
fn a_golden_whose_text_is_only_whitespace_by_placeholder_is_refused() {
    for golden in ["<E>{{''}}</E>", "<E>{{' '}}</E>", "<E>  {{''}}\n</E>"] {
        let err = ExpectedElement::compile(golden).unwrap_err();
        assert!(
            err.message.contains("whitespace only") && err.message.contains("<E/>"),
            "{golden}: {err}"
        );
    }
    // An element with no text is written as such, and matches whitespace.
    same("<E/>", "<E>\n  </E>");
    same("<E>{{'a '}}</E>", "<E>a </E>");
}

#[test]
fn an_origin_bound_by_the_wrong_candidate_is_reconsidered() {
    // Tried first, the link to another server binds {{origin}}; the golden's
    // second link then fails, though binding the other origin matches both.
    let golden = format!(
        r#"<L {SC} sc:order="any" sc:extra="children"><Link Href="{{{{origin}}}}/x"/><Link Href="{{{{origin}}}}/y"/></L>"#
    );
    let actual = r#"<L><Link Href="http://other:1/x"/><Link Href="https://em01:9398/x"/><Link Href="https://em01:9398/y"/></L>"#;
    let c = run(&golden, actual, &Bindings::default());
    assert!(c.is_match(), "{:#?}", c.differences);
    assert_eq!(c.bindings.origin.as_deref(), Some("https://em01:9398"));
    // Ordered, with extras allowed: the same.
    let ordered = format!(
        r#"<L {SC} sc:extra="children"><Link Href="{{{{origin}}}}/x"/><Link Href="{{{{origin}}}}/y"/></L>"#
    );
    assert!(run(&ordered, actual, &Bindings::default()).is_match());
    // No origin makes it match: still a difference, and nothing is bound.
    let none = r#"<L><Link Href="http://a:1/x"/><Link Href="http://b:1/y"/></L>"#;
    let c = run(&golden, none, &Bindings::default());
    assert!(!c.is_match());
    // A bound origin is never reconsidered.
    let bound = Bindings {
        origin: Some("http://other:1".into()),
        ..Bindings::default()
    };
    assert!(!run(&golden, actual, &bound).is_match());
}

#[test]
fn mixed_content_keeps_text_in_its_place_among_the_children() {
    differs("<a>x<b/>y</a>", "<a>xy<b/></a>");
    differs("<a>x<b/></a>", "<a><b/>x</a>");
    differs("<a>x<b/><c/>y</a>", "<a>x<b/>y<c/></a>");
    same("<a>x<b/>y</a>", "<a>x<b/>y</a>");
    // Indentation between elements is not text, also beside other text.
    same(
        "<Error>Logon failed<Detail/></Error>",
        "<Error>Logon failed<Detail/>\n  </Error>",
    );
    same("<a>\n  <b/>x</a>", "<a><b/>x</a>");
    same("<a><b/>\n  <c/></a>", "<a>\n  <b/>\n  <c/>\n</a>");
    // Text in one place in the golden: placeholders work inside segments.
    same("<a>{{any}}<b/>y</a>", "<a>anything<b/>y</a>");
    let d = differs("<a>x<b/>y</a>", "<a>xy<b/></a>");
    assert!(d[0].contains("text()"), "{d:?}");
}

#[test]
fn mixed_content_survives_pretty_printing_and_bless() {
    for doc in [
        "<a>x<b/>y</a>",
        "<a><b/>x<c><d/></c>y</a>",
        "<a>x<b>z</b></a>",
    ] {
        let parsed = sessionconf::xml::parse(doc).unwrap();
        let element = sessionconf::xml::canonical::Element::from_node(parsed.root_element());
        let pretty = to_pretty_string(&element, GoldenMarkers::Keep);
        same(&pretty, doc);
        same(doc, &pretty);
    }
}

#[test]
fn golden_mistakes_are_said_where_they_are_and_what_was_meant() {
    // A bad placeholder in text: its own line and column, not the element's.
    let err = ExpectedElement::compile("<a>\n  <b>ok {{nope!}}</b>\n</a>").unwrap_err();
    assert_eq!((err.line, err.col), (2, 9), "{err}");
    // A placeholder in capitals is not a variable of that name.
    let err = ExpectedElement::compile("<a>{{ANY}}</a>").unwrap_err();
    assert!(err.message.contains("did you mean `{{any}}`?"), "{err}");
    let err = ExpectedElement::compile(r#"<a h="{{Origin}}/x"/>"#).unwrap_err();
    assert!(err.message.contains("`{{origin}}`"), "{err}");
    // A mistyped directive namespace would make sc:order an ordinary attribute.
    for golden in [
        r#"<a xmlns:sc="urn:sessionconf:goldne" sc:order="any"/>"#,
        r#"<a xmlns:sc="urn:other" sc:order="any"/>"#,
        r#"<a xmlns:x="urn:sessionconf:golde" x:extra="children"/>"#,
    ] {
        let err = ExpectedElement::compile(golden).unwrap_err();
        assert!(
            err.message.contains("golden directives are read only from"),
            "{golden}: {err}"
        );
    }
    // Another namespace with another prefix is an ordinary attribute.
    assert!(ExpectedElement::compile(r#"<a xmlns:p="urn:vendor" p:order="any"/>"#).is_ok());
    // Two roots: said as such.
    let err = ExpectedElement::compile("<a/><b/>").unwrap_err();
    assert!(err.message.contains("a second root element"), "{err}");
}

#[test]
fn at_most_sixteen_origins_are_tried() {
    let golden = format!(
        r#"<L {SC} sc:order="any" sc:extra="children"><Link Href="{{{{origin}}}}/x"/><Link Href="{{{{origin}}}}/y"/></L>"#
    );
    let others = |n: usize| -> String {
        (0..n)
            .map(|i| format!(r#"<Link Href="http://other{i}:1/x"/>"#))
            .collect()
    };
    let right = r#"<Link Href="https://em01:9398/x"/><Link Href="https://em01:9398/y"/>"#;
    // The right origin as the sixteenth found: tried.
    let actual = format!("<L>{}{right}</L>", others(15));
    assert!(run(&golden, &actual, &Bindings::default()).is_match());
    // As the seventeenth: past the bound, so a difference (the bound keeps a
    // hostile response from costing a comparison per origin it holds).
    let actual = format!("<L>{}{right}</L>", others(16));
    assert!(!run(&golden, &actual, &Bindings::default()).is_match());
}

#[test]
fn a_comparison_gives_up_when_told_to_and_small_ones_are_never_told() {
    use sessionconf::stop::Stop;
    let stop_with = |n: usize, stop: Stop| {
        let doc = format!("<A>{}</A>", "<B/>".repeat(n));
        let expected = ExpectedElement::compile(&doc).unwrap();
        let parsed = sessionconf::xml::parse(&doc).unwrap();
        let c = sessionconf::xml::compare::compare_until(
            &expected,
            parsed.root_element(),
            &Bindings::default(),
            stop,
        );
        c.differences
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
    };
    let past = Stop {
        interrupted: None,
        deadline: Some(std::time::Instant::now()),
    };
    // Fewer elements than a walk visits between looks: the verdict as ever.
    assert!(stop_with(1000, past).is_empty());
    let said = stop_with(5000, past);
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].contains("comparison stopped here, the scenario's time limit"),
        "{said:?}"
    );
    assert!(stop_with(5000, Stop::default()).is_empty());
}

/// A golden judged through the golden interface, as `sessionconf diff` does.
fn verdict(golden: &str, actual: &str, bindings: &Bindings) -> sessionconf::golden::Verdict {
    let g = sessionconf::golden::Golden::compile(std::path::Path::new("g.xml"), golden)
        .expect("golden compiles");
    g.judge_text("g.xml", actual, sessionconf::xml::Encoding::Utf8, bindings)
        .expect("actual parses")
}

const SEVEN_LINKS: &str = r#"<EnterpriseManager xmlns="http://www.veeam.com/ent/v1.0" Href="{{origin}}/api/">
  <Links>
    <Link Rel="Down" Type="BackupServerReferenceList" Href="{{origin}}/api/backupServers"/>
    <Link Rel="Down" Type="JobReferenceList" Href="{{origin}}/api/jobs"/>
    <Link Rel="Down" Type="ReplicaReferenceList" Href="{{origin}}/api/replicas"/>
    <Link Rel="Down" Type="CloudConnectService" Href="{{origin}}/api/cloud"/>
    <Link Rel="Down" Type="RepositoryReferenceList" Href="{{origin}}/api/repositories"/>
    <Link Rel="Down" Type="VAppReferenceList" Href="{{origin}}/api/vapps"/>
    <Link Rel="Delete" Type="LogonSession" Href="{{origin}}/api/logonSessions/{{session_id}}"/>
  </Links>
</EnterpriseManager>"#;

fn session_bindings() -> Bindings {
    let mut b = Bindings::default();
    b.bind_capture("session_id", "s1");
    b.bind("user", "alice");
    b
}

fn response_of(golden: &str) -> String {
    golden
        .replace("{{origin}}", "http://em01:9399")
        .replace("{{session_id}}", "s1")
}

#[test]
fn a_link_missing_from_the_middle_of_an_ordered_list_is_one_difference() {
    let actual: String = response_of(SEVEN_LINKS)
        .lines()
        .filter(|l| !l.contains("CloudConnectService"))
        .collect();
    let v = verdict(SEVEN_LINKS, &actual, &session_bindings());
    let said: Vec<String> = v.differences.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        said,
        ["/EnterpriseManager/Links/Link[@Type='CloudConnectService']: missing element <Link Rel='Down' Type='CloudConnectService'>"]
    );
    assert!(v.summary.ends_with("in 1 place:"), "{}", v.summary);
    let changed: Vec<&str> = v
        .diff
        .lines()
        .filter(|l| {
            (l.starts_with('-') || l.starts_with('+'))
                && !l.starts_with("---")
                && !l.starts_with("+++")
        })
        .collect();
    assert_eq!(
        changed,
        [r#"-    <Link Rel="Down" Type="CloudConnectService" Href="{{origin}}/api/cloud"/>"#],
        "{}",
        v.diff
    );
}

#[test]
fn a_changed_link_among_its_namesakes_is_compared_with_its_counterpart() {
    let actual = response_of(SEVEN_LINKS).replace("api/jobs", "api/Jobs");
    let d: Vec<String> = verdict(SEVEN_LINKS, &actual, &session_bindings())
        .differences
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(
        d,
        ["/EnterpriseManager/Links/Link[@Type='JobReferenceList']/@Href: expected \"{{origin}}/api/jobs\", found \"http://em01:9399/api/Jobs\""]
    );
    // A link whose identity changed in place is that link, differing.
    let actual = response_of(SEVEN_LINKS).replace("\"JobReferenceList", "\"JobList");
    let d: Vec<String> = verdict(SEVEN_LINKS, &actual, &session_bindings())
        .differences
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(
        d,
        ["/EnterpriseManager/Links/Link[@Type='JobReferenceList']/@Type: expected \"JobReferenceList\", found \"JobList\""]
    );
    // Two moved past each other: one difference, the one that moved.
    let lines: Vec<String> = response_of(SEVEN_LINKS)
        .lines()
        .map(str::to_string)
        .collect();
    let mut swapped = lines.clone();
    let moved = swapped.remove(3);
    swapped.insert(7, moved);
    let d: Vec<String> = verdict(SEVEN_LINKS, &swapped.join("\n"), &session_bindings())
        .differences
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(
        d,
        ["/EnterpriseManager/Links/Link[@Type='JobReferenceList']: expected at position 2, found at position 6 (moved)"]
    );
}

const SESSIONS: &str = r#"<LogonSessions xmlns="http://www.veeam.com/ent/v1.0">
  <LogonSession Type="LogonSession" Href="{{origin}}/api/logonSessions/{{session_id}}">
    <UserName>{{any}}\{{user}}</UserName>
    <SessionId>{{session_id}}</SessionId>
  </LogonSession>
</LogonSessions>"#;

const OTHER_SESSION: &str = r#"<LogonSession Type="LogonSession" Href="http://em01:9399/api/logonSessions/s0">
    <UserName>D\bob</UserName>
    <SessionId>s0</SessionId>
  </LogonSession>"#;

#[test]
fn a_session_inserted_before_the_callers_is_one_unexpected_element() {
    let actual = response_of(SESSIONS)
        .replace("D\\", "")
        .replace("{{any}}\\{{user}}", "D\\alice")
        .replacen(
            "<LogonSession ",
            &format!("{OTHER_SESSION}\n  <LogonSession "),
            1,
        );
    let v = verdict(SESSIONS, &actual, &session_bindings());
    let d: Vec<String> = v.differences.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        d,
        ["/LogonSessions/LogonSession[@Href='http://em01:9399/api/logonSessions/s0']: unexpected element <LogonSession Type='LogonSession'>"]
    );
    assert_eq!(v.differences[0].kind, DifferenceKind::UnexpectedElement);
    // The caller's session differing too: compared with the caller's, by its SessionId.
    let actual = actual.replace("D\\alice", "D\\carol");
    let d: Vec<String> = verdict(SESSIONS, &actual, &session_bindings())
        .differences
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(d.len(), 2, "{d:?}");
    assert!(d[0].contains("unexpected element"), "{d:?}");
    assert_eq!(
        d[1],
        "/LogonSessions/LogonSession/UserName/text(): expected \"{{any}}\\\\{{user}}\", found \"D\\\\carol\""
    );
}

#[test]
fn a_wrong_root_namespace_still_compares_below_by_local_name_and_shows_a_normalized_diff() {
    let actual: String = response_of(SEVEN_LINKS)
        .replace("ent/v1.0", "ent/v1.1")
        .lines()
        .filter(|l| !l.contains("CloudConnectService"))
        .collect::<Vec<_>>()
        .join("\n")
        // Attributes in another order than the golden's: not a difference, not in the diff.
        .replace(
            r#"Rel="Down" Type="JobReferenceList""#,
            r#"Type="JobReferenceList" Rel="Down""#,
        );
    let v = verdict(SEVEN_LINKS, &actual, &session_bindings());
    let d: Vec<String> = v.differences.iter().map(|d| d.to_string()).collect();
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!(
        d[0],
        "/EnterpriseManager: expected element {http://www.veeam.com/ent/v1.0}EnterpriseManager, found {http://www.veeam.com/ent/v1.1}EnterpriseManager; comparison of namespaces stopped at /EnterpriseManager: below it, elements are compared by local name"
    );
    assert!(
        d[1].ends_with("missing element <Link Rel='Down' Type='CloudConnectService'>"),
        "{d:?}"
    );
    let changed: Vec<&str> = v
        .diff
        .lines()
        .filter(|l| {
            (l.starts_with('-') || l.starts_with('+'))
                && !l.starts_with("---")
                && !l.starts_with("+++")
        })
        .collect();
    assert_eq!(
        changed,
        [
            r#"-<EnterpriseManager xmlns="http://www.veeam.com/ent/v1.0" Href="{{origin}}/api/">"#,
            r#"+<EnterpriseManager xmlns="http://www.veeam.com/ent/v1.1" Href="{{origin}}/api/">"#,
            r#"-    <Link Rel="Down" Type="CloudConnectService" Href="{{origin}}/api/cloud"/>"#,
        ],
        "{}",
        v.diff
    );
}

#[test]
fn another_root_name_stops_the_comparison_there_and_says_so() {
    let golden = r#"<LogonSession xmlns="urn:v" Type="LogonSession" Href="{{origin}}/s/{{session_id}}"><SessionId>{{session_id}}</SessionId></LogonSession>"#;
    let actual = r#"<Error xmlns="urn:v" Href="http://h/s/s1" Code="4" Type="LogonSession"><Message>no</Message></Error>"#;
    let v = verdict(golden, actual, &session_bindings());
    let d: Vec<String> = v.differences.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        d,
        ["/LogonSession: expected element {urn:v}LogonSession, found {urn:v}Error; comparison stopped at /LogonSession: nothing below it is compared"]
    );
    // Normalized toward the golden all the same: its attributes in the
    // golden's order, with its placeholders where they match.
    assert!(
        v.diff.contains(
            r#"+<Error xmlns="urn:v" Type="LogonSession" Href="{{origin}}/s/{{session_id}}" Code="4">"#
        ),
        "{}",
        v.diff
    );
}

#[test]
fn the_diff_says_what_the_golden_allowed_it_to_leave_out() {
    let golden = format!(
        r#"<LogonSessions xmlns="urn:v" {SC} sc:extra="children"><LogonSession {SC} sc:extra="attributes" Type="LogonSession"><SessionId>{{{{session_id}}}}</SessionId><UserName>alice</UserName></LogonSession></LogonSessions>"#
    );
    let actual = r#"<LogonSessions xmlns="urn:v"><LogonSession Type="LogonSession"><SessionId>x</SessionId></LogonSession><LogonSession Type="LogonSession" New="1"><SessionId>s1</SessionId><UserName>bob</UserName></LogonSession><LogonSession Type="LogonSession"><SessionId>y</SessionId></LogonSession></LogonSessions>"#;
    let v = verdict(&golden, actual, &session_bindings());
    let d: Vec<String> = v.differences.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        d,
        ["/LogonSessions/LogonSession/UserName/text(): expected \"alice\", found \"bob\""]
    );
    let notes: Vec<&str> = v
        .diff
        .lines()
        .filter(|l| l.starts_with("allowed by"))
        .collect();
    assert_eq!(
        notes,
        [
            "allowed by sc:extra=\"attributes\" at /LogonSessions/LogonSession: 1 other attribute left out of the diff",
            "allowed by sc:extra=\"children\" at /LogonSessions: 2 other elements left out of the diff",
        ],
        "{}",
        v.diff
    );
}
