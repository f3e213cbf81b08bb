//! Every kind of bad scenario or golden gives a message naming file, line and column.

mod support;

use sessionconf::error::ConfigError;
use sessionconf::scenario::{load_scenario, load_suite, SuiteSource};
use support::Suite;

fn errors(yaml: &str) -> Vec<ConfigError> {
    let suite = Suite::new();
    suite.write("golden/ok.xml", "<A/>");
    suite.write("golden/bad.xml", "<A>\n  <B>\n</A>\n");
    suite.write(
        "golden/placeholder.xml",
        "<A>\n  <B Id=\"{{nobody}}\"/>\n</A>\n",
    );
    let path = suite.write("scenarios/test/s.yaml", yaml);
    load_scenario(&path, "test", &suite.golden_dir(), false).expect_err("should not load")
}

/// The one error's line, column and message.
fn one(yaml: &str) -> (u32, u32, String) {
    let errs = errors(yaml);
    assert_eq!(errs.len(), 1, "{errs:?}");
    let e = &errs[0];
    (
        e.line.expect("a line"),
        e.col.expect("a column"),
        e.to_string(),
    )
}

const HEAD: &str = "name: s\nsteps:\n  - name: first\n    request:\n";

#[test]
fn unknown_key() {
    let (line, col, msg) = one(&format!("{HEAD}      path: x\n      headrs: {{}}\n"));
    assert_eq!((line, col), (6, 7));
    assert!(
        msg.contains("unknown field `headrs`")
            && msg.contains("did you mean `headers`?")
            && msg.contains("s.yaml:6:7"),
        "{msg}"
    );
}

#[test]
fn unknown_top_level_key() {
    let (line, _, msg) = one("name: s\nstep: []\n");
    assert_eq!(line, 2);
    assert!(msg.contains("unknown field `step`"), "{msg}");
}

#[test]
fn malformed_yaml() {
    let (line, _, msg) = one("name: s\nsteps:\n  - name: a\n    request: { path: x\n  - name: b\n");
    assert_eq!(line, 5, "{msg}");
}

#[test]
fn bad_status_method_regex_selector_template() {
    let (line, _, msg) = one(&format!(
        "{HEAD}      path: x\n    expect:\n      status: 42\n"
    ));
    assert_eq!(line, 7);
    assert!(msg.contains("42 is not an HTTP status code"), "{msg}");
    let (line, _, msg) = one(&format!("{HEAD}      method: FETCH\n      path: x\n"));
    assert_eq!(line, 5);
    assert!(msg.contains("not an HTTP method"), "{msg}");
    let (line, _, msg) = one(&format!(
        "{HEAD}      path: x\n    expect:\n      headers:\n        A: {{ matches: '(' }}\n"
    ));
    assert_eq!(line, 8);
    assert!(msg.contains("invalid regular expression"), "{msg}");
    let (line, _, msg) = one(&format!("{HEAD}      path: x\n    expect:\n      body:\n        - select: 'Link['\n          exists: true\n"));
    assert_eq!(line, 8);
    assert!(msg.contains("selector"), "{msg}");
    let (line, _, msg) = one(&format!("{HEAD}      path: '${{x'\n"));
    assert_eq!(line, 5);
    assert!(msg.contains("not closed"), "{msg}");
}

#[test]
fn assertion_and_capture_shapes() {
    let (_, _, msg) = one(&format!(
        "{HEAD}      path: x\n    expect:\n      body:\n        - select: /A\n"
    ));
    assert!(msg.contains("checks nothing"), "{msg}");
    let (_, _, msg) = one(&format!(
        "{HEAD}      path: x\n    capture:\n      v: {{ all: true }}\n"
    ));
    assert!(msg.contains("needs a source"), "{msg}");
}

#[test]
fn unknown_variable_is_located() {
    let (line, col, msg) = one(&format!(
        "{HEAD}      path: x\n  - name: second\n    request:\n      path: 'a/${{tokn}}'\n"
    ));
    assert_eq!((line, col), (8, 16), "{msg}");
    assert!(
        msg.contains("unknown variable `tokn`") && msg.contains("step `second`"),
        "{msg}"
    );
}

#[test]
fn a_capture_selector_may_name_only_variables_known_by_then() {
    let (line, _, msg) = one(&format!(
        "{HEAD}      path: x\n    capture:\n      v: {{ select: \"//s[u/@n='${{whom}}']/@id\" }}\n"
    ));
    assert_eq!(line, 7, "the capture's line: {msg}");
    assert!(msg.contains("unknown variable `whom`"), "{msg}");
}

#[test]
fn a_variable_captured_later_is_unknown_earlier() {
    let yaml = format!(
        "{HEAD}      path: '${{id}}'\n  - name: second\n    request:\n      path: x\n    capture:\n      id: {{ header: X }}\n"
    );
    let (line, _, msg) = one(&yaml);
    assert_eq!(line, 5);
    assert!(msg.contains("unknown variable `id`"), "{msg}");
}

#[test]
fn finally_sees_every_capture_of_the_steps() {
    let suite = Suite::new();
    let path = suite.write(
        "scenarios/test/s.yaml",
        &format!("{HEAD}      path: x\n    capture:\n      id: {{ header: X }}\nfinally:\n  - name: out\n    request:\n      link: {{ step: first, rel: Delete }}\n      headers: {{ T: '${{id}}' }}\n"),
    );
    load_scenario(&path, "test", &suite.golden_dir(), false).unwrap();
}

#[test]
fn link_to_a_step_that_is_not_earlier() {
    let (_, _, msg) = one(&format!(
        "{HEAD}      link: {{ step: later, rel: Delete }}\n"
    ));
    assert!(
        msg.contains("link from `later`, which is not an earlier step"),
        "{msg}"
    );
}

#[test]
fn request_target_must_be_one() {
    let (line, _, msg) = one(&format!("{HEAD}      path: x\n      url: 'http://x/'\n"));
    assert_eq!(line, 4);
    assert!(
        msg.contains("exactly one of `path`, `url` or `link`"),
        "{msg}"
    );
}

#[test]
fn duplicate_step_names() {
    let (_, _, msg) = one(&format!(
        "{HEAD}      path: x\n  - name: first\n    request: {{ path: y }}\n"
    ));
    assert!(msg.contains("used twice"), "{msg}");
}

#[test]
fn missing_body_file() {
    let (line, _, msg) = one(&format!(
        "{HEAD}      path: x\n      body_file: nowhere.xml\n"
    ));
    assert_eq!(line, 6);
    assert!(msg.contains("cannot read body file"), "{msg}");
}

#[test]
fn missing_golden_names_the_scenario_line_and_the_golden() {
    let (line, _, msg) = one(&format!(
        "{HEAD}      path: x\n    expect:\n      golden: missing.xml\n"
    ));
    assert_eq!(line, 7);
    assert!(
        msg.contains("missing.xml")
            && msg.contains("does not exist")
            && msg.contains("`sessionconf bless` records it"),
        "{msg}"
    );
}

#[test]
fn golden_that_is_not_well_formed_names_the_golden_position() {
    let errs = errors(&format!(
        "{HEAD}      path: x\n    expect:\n      golden: bad.xml\n"
    ));
    let text = errs[0].to_string();
    assert!(text.contains("bad.xml:3:"), "{text}");
    assert!(text.contains("not well-formed"), "{text}");
}

#[test]
fn golden_placeholder_naming_no_capture() {
    let errs = errors(&format!(
        "{HEAD}      path: x\n    expect:\n      golden: placeholder.xml\n"
    ));
    assert_eq!(errs.len(), 1);
    let e = &errs[0];
    assert!(e.file.ends_with("placeholder.xml"));
    assert_eq!((e.line, e.col), (Some(2), Some(6)), "{e}");
    assert!(e.message.contains("`{{nobody}}` names no variable"), "{e}");
}

#[test]
fn a_suite_reports_every_broken_file() {
    let suite = Suite::new();
    suite.write("scenarios/test/a.yaml", "name: a\nsteps: 3\n");
    suite.write("scenarios/test/b.yaml", "name: b\nstepz: []\n");
    suite.write(
        "scenarios/test/c.yaml",
        "name: c\nsteps:\n  - name: x\n    request: { path: y }\n",
    );
    let source = SuiteSource {
        scenarios_dir: suite.root().join("scenarios"),
        golden_dir: suite.golden_dir(),
        dialects: vec![],
        allow_missing_goldens: false,
        variables: Vec::new(),
    };
    let errs = load_suite(&source).unwrap_err();
    assert_eq!(errs.len(), 2, "{errs:?}");
    let source = SuiteSource {
        dialects: vec!["nope".into()],
        ..source
    };
    let errs = load_suite(&source).unwrap_err();
    assert!(
        errs[0].to_string().contains("the suite has: test"),
        "{errs:?}"
    );
}

#[test]
fn sessions_are_opened_into_a_capture_and_closed_in_finally() {
    let logon = "name: s\nsteps:\n  - name: logon\n    opens_session: tok\n    request: { path: x }\n    capture:\n      token: { header: X }\n";
    let errs = errors(logon);
    let text: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    assert!(
        text.iter()
            .any(|e| e.contains("opens_session `tok` names no capture")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|e| e.contains("no `finally` step has `closes_session: tok`")),
        "{text:?}"
    );
    assert!(errs.iter().all(|e| e.line == Some(4)), "{errs:?}");
    let closes_nothing = "name: s\nsteps:\n  - name: a\n    request: { path: x }\nfinally:\n  - name: out\n    closes_session: nobody\n    request: { path: x }\n";
    let (line, _, message) = one(closes_nothing);
    assert!(
        message.contains("closes_session `nobody` names no session"),
        "{message}"
    );
    assert_eq!(line, 7);
}

#[test]
fn positions_come_from_the_parser_in_flow_style_too() {
    let yaml = "name: s\nsteps: [{name: a, request: {path: x}},\n        {name: b, request: {path: \"${nope}\"}}]\n";
    let (line, col, msg) = one(yaml);
    assert_eq!((line, col), (3, 36), "{msg}");
    assert!(msg.contains("unknown variable `nope`"), "{msg}");
}

#[test]
fn a_step_named_like_its_scenario_is_located_at_the_step() {
    // A text search for the step's `name: logon` would find the scenario's name
    // first, and then step `a`'s request.
    let yaml = "name: logon\nsteps:\n  - name: a\n    request: { path: x }\n  - name: logon\n    request: { path: x, url: \"http://h/\" }\n";
    let (line, col, msg) = one(yaml);
    assert!(msg.contains("exactly one of"), "{msg}");
    assert_eq!((line, col), (6, 5), "{msg}");
}

#[test]
fn a_variable_whose_name_starts_another_is_located_exactly() {
    let yaml = "name: s\nvars:\n  token: x\nsteps:\n  - name: a\n    request: { path: \"${token}/${tok}\" }\n";
    let (line, col, msg) = one(yaml);
    assert!(msg.contains("unknown variable `tok`"), "{msg}");
    assert_eq!((line, col), (6, 32), "{msg}");
}

#[test]
fn anchors_and_merge_keys_work_and_mistakes_under_them_are_located() {
    let suite = Suite::new();
    // An alias to no anchor is refused where it stands.
    let path = suite.write(
        "scenarios/test/s.yaml",
        "name: m\nsteps:\n  - name: a\n    request: *nowhere\n",
    );
    let err = load_scenario(&path, "test", &suite.golden_dir(), false).unwrap_err();
    assert_eq!(err[0].line, Some(4), "{err:?}");
    assert!(err[0].message.contains("unknown anchor"), "{err:?}");
    let good = "name: m\nsteps:\n  - name: a\n    request: &req\n      path: \"\"\n      headers: { X-Token: t }\n    expect: &ok\n      status: 200\n  - name: b\n    request:\n      <<: *req\n      method: POST\n    expect: *ok\n";
    let path = suite.write("scenarios/test/s.yaml", good);
    load_scenario(&path, "test", &suite.golden_dir(), false).unwrap();
    let bad = good.replace("      method: POST\n", "      methd: POST\n");
    let path = suite.write("scenarios/test/s.yaml", &bad);
    let errs = load_scenario(&path, "test", &suite.golden_dir(), false).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].line, Some(12), "{errs:?}");
    assert!(
        errs[0].message.contains("steps[1].request")
            && errs[0].message.contains("unknown field `methd`"),
        "{errs:?}"
    );
}

#[test]
fn a_tab_in_the_indentation_says_yaml_forbids_it() {
    let (line, _, msg) = one("name: s\nsteps:\n\t- name: a\n");
    assert_eq!(line, 3);
    assert!(msg.contains("a tab in the indentation"), "{msg}");
}

#[test]
fn a_mistyped_placeholder_or_variable_gets_a_suggestion() {
    let suite = Suite::new();
    suite.write("golden/typo.xml", "<A>{{pasword}}</A>\n");
    let path = suite.write(
        "scenarios/test/s.yaml",
        "name: s\nsteps:\n  - name: a\n    request: { path: x }\n    expect: { golden: typo.xml }\n",
    );
    let errs = load_scenario(&path, "test", &suite.golden_dir(), false).unwrap_err();
    assert!(
        errs[0].message.contains("did you mean `password`?"),
        "{errs:?}"
    );
    let (_, _, msg) = one(&format!("{HEAD}      path: \"${{base_ulr}}\"\n"));
    assert!(msg.contains("did you mean `base_url`?"), "{msg}");
}

#[test]
fn a_golden_path_stays_inside_the_golden_directory() {
    for (path, why) in [
        ("../outside.xml", "has `..`"),
        ("/tmp/abs.xml", "is absolute"),
        ("a/../../b.xml", "has `..`"),
    ] {
        let (line, _, msg) = one(&format!(
            "{HEAD}      path: x\n    expect:\n      golden: {path}\n"
        ));
        assert_eq!(line, 7, "{msg}");
        assert!(
            msg.contains(why) && msg.contains("stays inside the golden directory"),
            "{msg}"
        );
    }
}

#[test]
fn a_golden_named_by_many_steps_is_compiled_once() {
    let suite = Suite::new();
    suite.write("golden/shared.xml", "<A/>\n");
    for name in ["one", "two"] {
        suite.write(
            &format!("scenarios/test/{name}.yaml"),
            &format!("name: {name}\nsteps:\n  - name: a\n    request: {{ path: x }}\n    expect: {{ golden: shared.xml }}\n  - name: b\n    request: {{ path: x }}\n    expect: {{ golden: ./shared.xml }}\n"),
        );
    }
    let source = SuiteSource {
        scenarios_dir: suite.root().join("scenarios"),
        golden_dir: suite.golden_dir(),
        dialects: Vec::new(),
        allow_missing_goldens: false,
        variables: Vec::new(),
    };
    let loaded = load_suite(&source).unwrap();
    let compiled: Vec<_> = loaded
        .iter()
        .flat_map(|s| s.goldens.values())
        .map(|g| g.expected.clone().unwrap())
        .collect();
    assert_eq!(compiled.len(), 4);
    for other in &compiled[1..] {
        assert!(
            std::sync::Arc::ptr_eq(&compiled[0], other),
            "one compiled golden per file"
        );
    }
}

#[test]
fn a_golden_without_extension_names_one_file_per_representation() {
    // Neither exists: one error, naming both files and bless.
    let (line, _, msg) = one(&format!(
        "{HEAD}      path: x\n    expect:\n      golden: nowhere\n"
    ));
    assert_eq!(line, 7);
    assert!(
        msg.contains("one file per representation")
            && msg.contains("nowhere.xml")
            && msg.contains("nowhere.json")
            && msg.contains("`sessionconf bless` records them"),
        "{msg}"
    );
    // Those that exist are compiled, each under its own name; a placeholder
    // naming no variable is found in either.
    let suite = Suite::new();
    suite.write("golden/both.xml", "<A/>");
    suite.write("golden/both.json", "{\"A\": \"{{nobody}}\"}\n");
    suite.write("golden/one.json", "{}");
    let scenario = format!(
        "{HEAD}      path: x\n    expect:\n      golden: one\n  - name: second\n    request: {{ path: y }}\n    expect:\n      golden: both\n"
    );
    let path = suite.write("scenarios/test/s.yaml", &scenario);
    let errs = load_scenario(&path, "test", &suite.golden_dir(), false).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].to_string().contains("both.json:1:")
            && errs[0]
                .to_string()
                .contains("`{{nobody}}` names no variable"),
        "{}",
        errs[0]
    );
    suite.write("golden/both.json", "{\"A\": \"{{any}}\"}\n");
    let loaded = load_scenario(&path, "test", &suite.golden_dir(), false).unwrap();
    let names: Vec<String> = loaded
        .goldens
        .keys()
        .map(|k| k.display().to_string())
        .collect();
    assert_eq!(names, ["both.json", "both.xml", "one.json"]);
    // Bless may record the missing one.
    let blessing = load_scenario(&path, "test", &suite.golden_dir(), true).unwrap();
    let missing: Vec<String> = blessing
        .goldens
        .iter()
        .filter(|(_, e)| e.expected.is_none())
        .map(|(k, _)| k.display().to_string())
        .collect();
    assert_eq!(missing, ["one.xml"]);
    // A golden named with its extension: missing is for bless to record;
    // present but unreadable is an error even then.
    let fixed = format!("{HEAD}      path: x\n    expect:\n      golden: fixed.json\n");
    let path = suite.write("scenarios/test/fixed.yaml", &fixed);
    let blessing = load_scenario(&path, "test", &suite.golden_dir(), true).unwrap();
    assert!(blessing.goldens[std::path::Path::new("fixed.json")]
        .expected
        .is_none());
    suite.write("golden/fixed.json", "{");
    assert!(load_scenario(&path, "test", &suite.golden_dir(), true).is_err());
}

#[test]
fn a_selector_or_body_per_representation_is_checked_form_by_form() {
    let (line, _, msg) = one(&format!(
        "{HEAD}      path: x\n    capture:\n      id: {{ select: {{ xml: $.Id, json: $.Id }} }}\n"
    ));
    assert_eq!(line, 7);
    assert!(msg.contains("the `xml` form is an XML selector"), "{msg}");
    let (_, _, msg) = one(&format!(
        "{HEAD}      path: x\n      body: {{ xml: '<A/>', yaml: 'a: 1' }}\n"
    ));
    assert!(msg.contains("`xml` and `json`, not `yaml`"), "{msg}");
    // A variable is checked in every form.
    let (_, _, msg) = one(&format!(
        "{HEAD}      path: x\n      body: {{ xml: '<A/>', json: '{{\"a\": \"${{nobody}}\"}}' }}\n"
    ));
    assert!(msg.contains("nobody"), "{msg}");
}
