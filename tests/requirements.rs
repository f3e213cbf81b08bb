//! What a suite proves: every step cites documented requirements, `coverage`
//! shows which are checked where, `strength` breaks each on purpose and
//! writes the same answers in benign variants. The shipped suite is measured
//! as strong; a weakened copy is measured as weaker, naming what it lost.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_sessionconf");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn sessionconf(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(ROOT)
        .env_remove("CI")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Runs the binary, which must succeed.
fn succeeds(args: &[&str]) -> Output {
    let run = sessionconf(args);
    assert!(
        run.status.success(),
        "{:?}: {}",
        args,
        String::from_utf8_lossy(&run.stderr)
    );
    run
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A copy of the shipped suite without the scenarios that try a wrong
/// password or log on as a tenant.
fn weakened(dir: &Path) -> (PathBuf, PathBuf) {
    let copy = |from: &Path, to: &Path| {
        for entry in walk(from) {
            let target = to.join(entry.strip_prefix(from).unwrap());
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(&entry, target).unwrap();
        }
    };
    let (scenarios, golden) = (dir.join("scenarios"), dir.join("golden"));
    copy(&Path::new(ROOT).join("scenarios"), &scenarios);
    copy(&Path::new(ROOT).join("golden"), &golden);
    for gone in [
        "veeam-em/tenant-logon.yaml",
        "veeam-em/wrong-password.yaml",
        "commvault/wrong-password.yaml",
    ] {
        std::fs::remove_file(scenarios.join(gone)).unwrap();
    }
    (scenarios, golden)
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn the_shipped_suite_covers_every_sourced_requirement_of_both_vendors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("coverage.json");
    let html = dir.path().join("coverage.html");
    let run = succeeds(&[
        "coverage",
        "--json",
        out.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
    ]);
    let doc = json(&out);
    let rows = doc["requirements"].as_array().unwrap();
    assert!(rows.len() >= 30, "{} requirements", rows.len());
    for dialect in ["veeam-em", "commvault"] {
        assert!(rows.iter().any(|r| r["dialect"] == dialect));
    }
    for r in rows {
        let id = r["id"].as_str().unwrap();
        assert!(
            !r["source"].as_str().unwrap().is_empty(),
            "{id} has a source"
        );
        assert!(
            !r["covered_by"].as_array().unwrap().is_empty(),
            "{id} is covered"
        );
    }
    assert_eq!(doc["uncovered"], serde_json::json!([]));
    assert_eq!(doc["covered"], doc["total"]);
    // Tenants exist only where Cloud Connect is set up: em-12 has none.
    let tenant = rows.iter().find(|r| r["id"] == "em.tenant.logon").unwrap();
    let cell = |profile: &str| {
        tenant["profiles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["profile"] == profile)
            .cloned()
            .unwrap()
    };
    assert_eq!(cell("em-12")["applies"], false);
    assert_eq!(cell("em-13")["applies"], true);
    assert_eq!(cell("em-13")["checked"], true);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("data-requirement=\"em.logon.status-201\""));
    assert!(page.contains("<th>em-12</th>"));
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(
        text.contains("every requirement is covered by a step"),
        "{text}"
    );
}

#[test]
fn the_shipped_suite_catches_every_fault_and_raises_no_false_alarm() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("strength.json");
    let run = sessionconf(&["strength", "--json", out.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{text}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let doc = json(&out);
    let faults = doc["faults"].as_array().unwrap();
    let variants = doc["variants"].as_array().unwrap();
    assert!(faults.len() >= 25, "{} faults", faults.len());
    let names: std::collections::BTreeSet<&str> = variants
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert!(names.len() >= 8, "{names:?}");
    // Other clients' sessions, open from the start or coming and going, on both vendors.
    for name in ["others-open", "churn"] {
        let ran: Vec<&str> = variants
            .iter()
            .filter(|v| v["name"] == name)
            .map(|v| v["dialect"].as_str().unwrap())
            .collect();
        assert_eq!(ran, ["commvault", "veeam-em"], "{name}");
    }
    for f in faults {
        assert_eq!(f["caught"], true, "{f}");
        assert_eq!(f["requirement_covered"], true, "{f}");
        // Caught where it should be: a failed step names the requirement the fault breaks.
        let named = f["caught_by"].as_array().unwrap().iter().any(|c| {
            c["breaks"]
                .as_array()
                .is_some_and(|b| b.contains(&f["requirement"]))
        });
        assert!(named, "{f}");
    }
    assert!(variants.iter().all(|v| v["false_alarm"] == false));
    assert_eq!(doc["score"], 1.0);
    assert!(text.contains("faults caught"), "{text}");
}

#[test]
fn a_weakened_suite_is_reported_weaker_and_names_what_it_lost() {
    let dir = tempfile::tempdir().unwrap();
    let (scenarios, golden) = weakened(dir.path());
    let suite = [
        "--scenarios",
        scenarios.to_str().unwrap(),
        "--golden-dir",
        golden.to_str().unwrap(),
    ];
    let out = dir.path().join("strength.json");
    let mut args = vec!["strength", "--json", out.to_str().unwrap()];
    args.extend(suite);
    let run = sessionconf(&args);
    assert_eq!(
        run.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
    let doc = json(&out);
    let missed: Vec<&str> = doc["faults"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["caught"] == false)
        .map(|f| f["requirement"].as_str().unwrap())
        .collect();
    for lost in [
        "em.logon.bad-credentials",
        "cv.login.bad-credentials",
        "em.tenant.sees-own-sessions",
        "em.tenant.admin-resource-403",
    ] {
        assert!(missed.contains(&lost), "{lost} not among {missed:?}");
    }
    assert!(
        missed
            .iter()
            .all(|r| r.contains("bad-credentials") || r.starts_with("em.tenant.")),
        "{missed:?}"
    );
    assert!(doc["score"].as_f64().unwrap() < 1.0);
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(text.contains("MISSED  accept-any-password (veeam-em, em-13) breaks em.logon.bad-credentials: no step covers that requirement"), "{text}");

    let shipped = dir.path().join("shipped.json");
    let weak = dir.path().join("weak.json");
    assert!(
        sessionconf(&["coverage", "--json", shipped.to_str().unwrap()])
            .status
            .success()
    );
    let mut args = vec!["coverage", "--json", weak.to_str().unwrap()];
    args.extend(suite);
    assert!(sessionconf(&args).status.success());
    let covered = |p: &Path| json(p)["covered"].as_u64().unwrap();
    assert!(
        covered(&weak) < covered(&shipped),
        "{} vs {}",
        covered(&weak),
        covered(&shipped)
    );
    let uncovered = json(&weak)["uncovered"].clone();
    assert!(
        uncovered
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u == "em.tenant.logon"),
        "{uncovered}"
    );
}

#[test]
fn check_refuses_an_unknown_requirement_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let (scenarios, golden) = weakened(dir.path());
    let file = scenarios.join("veeam-em/no-token.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("em.auth.token-required"))
        .unwrap()
        + 1;
    std::fs::write(
        &file,
        text.replace("em.auth.token-required", "em.auth.token-requred"),
    )
    .unwrap();
    let run = sessionconf(&[
        "check",
        "--scenarios",
        scenarios.to_str().unwrap(),
        "--golden-dir",
        golden.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains(&format!("no-token.yaml:{line}:")), "{err}");
    assert!(err.contains("`em.auth.token-requred` is no requirement of veeam-em; did you mean `em.auth.token-required`?"), "{err}");
    // A run refuses it too, before sending anything.
    let run = sessionconf(&[
        "run",
        "--scenarios",
        scenarios.to_str().unwrap(),
        "--golden-dir",
        golden.to_str().unwrap(),
    ]);
    assert_eq!(
        run.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// `check` on a copy of the shipped suite with `versions` and `requirements`
/// written into its Enterprise Manager knowledge: its exit code and stderr.
fn check_with_knowledge(files: &[(&str, &str)]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let (scenarios, golden) = weakened(dir.path());
    let own = scenarios.join("veeam-em/knowledge");
    std::fs::create_dir_all(&own).unwrap();
    for (name, text) in files {
        std::fs::write(own.join(name), text).unwrap();
    }
    let run = sessionconf(&[
        "check",
        "--scenarios",
        scenarios.to_str().unwrap(),
        "--golden-dir",
        golden.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&run.stderr).into_owned();
    (run.status.code(), err)
}

#[test]
fn one_refused_deviation_is_one_error_at_its_line() {
    let loose = "deviations:\n  - id: mine\n    documented: a\n    observed: b\n    source: c\n    expect: {}\n";
    let (code, err) = check_with_knowledge(&[("versions.yaml", loose)]);
    assert_eq!(code, Some(2), "{err}");
    // Not a cascade of "is no requirement of" for every id the steps cite.
    assert_eq!(err.matches("error: ").count(), 1, "{err}");
    assert!(
        err.contains("knowledge/versions.yaml:2:5: known deviation `mine` names no `request`"),
        "{err}"
    );
    assert!(err.ends_with("1 configuration error\n"), "{err}");
}

#[test]
fn a_requirements_file_of_the_wrong_shape_is_one_error_in_the_users_terms() {
    let bare_list = "- id: acme.logon.fast\n  text: t\n  source: s\n";
    let (code, err) = check_with_knowledge(&[("requirements.yaml", bare_list)]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(err.matches("error: ").count(), 1, "{err}");
    assert!(
        err.contains("knowledge/requirements.yaml:1:1: found a list, but `requirements.yaml` is a map whose `requirements:` is a list of requirements: `requirements: [{ id: "),
        "{err}"
    );
    assert!(
        !err.contains("RawCatalogue") && !err.contains("struct"),
        "{err}"
    );
    // Both files wrong: each said once, the tool's own knowledge still standing.
    let (code, err) = check_with_knowledge(&[
        ("requirements.yaml", bare_list),
        ("versions.yaml", "facts: [versions]\n"),
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(err.matches("error: ").count(), 2, "{err}");
    assert!(
        err.contains(
            "versions.yaml:1:8: facts: found a list, but `facts:` is a map: `{ version: versions"
        ),
        "{err}"
    );
    assert!(
        !err.contains("FactRules") && !err.contains("is no requirement of"),
        "{err}"
    );
}

#[test]
fn coverage_of_a_suite_that_cites_nothing_says_so_and_proposes_what_to_cite() {
    let dir = tempfile::tempdir().unwrap();
    let scenarios = dir.path().join("scenarios");
    std::fs::create_dir_all(scenarios.join("veeam-em")).unwrap();
    std::fs::create_dir_all(dir.path().join("golden")).unwrap();
    let mine = "name: mine\nsteps:\n  - name: logon\n    opens_session: token\n    request:\n      method: POST\n      path: sessionMngr/?v=latest\n      auth: { basic: { user: \"${user}\", password: \"${password}\" } }\n    expect: { status: 201 }\n    capture:\n      token: { header: X-RestSvcSessionId }\n      session_href: { select: \"/LogonSession/@Href\" }\n  - name: list\n    request: { path: logonSessions, headers: { X-RestSvcSessionId: \"${token}\" } }\n    expect: { status: 200 }\nfinally:\n  - name: logout\n    closes_session: token\n    request: { method: DELETE, url: \"${session_href}\", headers: { X-RestSvcSessionId: \"${token}\" } }\n";
    std::fs::write(scenarios.join("veeam-em/mine.yaml"), mine).unwrap();
    let run = succeeds(&[
        "coverage",
        "--scenarios",
        scenarios.to_str().unwrap(),
        "--golden-dir",
        dir.path().join("golden").to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(text.contains("veeam-em: 26 requirements, 0 covered\n  no step cites a requirement: a requirement is covered only by a step that names it in `covers:`\n"), "{text}");
    let file = scenarios.join("veeam-em/mine.yaml");
    let logon = format!(
        "    {} step `logon` (POST sessionMngr/?v=latest):\n      covers: [em.logon.status-201, em.logon.session-header, em.logon.session-cookie, em.logon.session-body, em.logon.up-link, em.logon.delete-link, em.tenant.logon]\n",
        file.display()
    );
    assert!(text.contains(&logon), "{text}");
    // Not the requirements of a refused token: the step expects 200.
    assert!(
        text.contains("step `list` (GET logonSessions):\n      covers: [em.sessions.list-own, em.logout.not-listed, em.tenant.sees-own-sessions]\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "send to a URL known only when they run (`url:`, `link:`), to cite by hand: "
        ) && text.contains("mine.yaml step `logout`"),
        "{text}"
    );
    // Each requirement listed once, in the list of what is not covered.
    assert_eq!(text.matches("em.entry.anonymous").count(), 1, "{text}");
    assert!(text.contains("not covered (26):"), "{text}");
}

#[test]
fn a_suite_adds_its_own_requirements_and_replaces_the_tools() {
    let dir = tempfile::tempdir().unwrap();
    let (scenarios, golden) = weakened(dir.path());
    let own = scenarios.join("veeam-em/knowledge");
    std::fs::create_dir_all(&own).unwrap();
    std::fs::write(
        own.join("requirements.yaml"),
        "requirements:\n  - id: acme.logon.fast\n    text: Logon answers within a second.\n    source: our SLA, section 2\n  - id: em.logon.status-201\n    text: Replaced.\n    source: ours\n",
    )
    .unwrap();
    let out = dir.path().join("c.json");
    let run = succeeds(&[
        "coverage",
        "--dialect",
        "veeam-em",
        "--json",
        out.to_str().unwrap(),
        "--scenarios",
        scenarios.to_str().unwrap(),
        "--golden-dir",
        golden.to_str().unwrap(),
    ]);
    let doc = json(&out);
    let rows = doc["requirements"].as_array().unwrap();
    let find = |id: &str| rows.iter().find(|r| r["id"] == id).cloned().unwrap();
    assert_eq!(find("em.logon.status-201")["text"], "Replaced.");
    assert_eq!(find("acme.logon.fast")["covered_by"], serde_json::json!([]));
    assert!(rows.iter().all(|r| r["dialect"] == "veeam-em"));
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(
        text.contains("acme.logon.fast: Logon answers within a second. (our SLA, section 2)"),
        "{text}"
    );
}

#[test]
fn a_failed_step_names_the_requirement_it_breaks_next_to_the_diff() {
    use sessionconf::report::Report;
    use sessionconf::server::{start, Dialect, Fault, ServerOptions};
    let mut options = ServerOptions::new(Dialect::VeeamEm);
    options.faults = vec![Fault::NoUpLink];
    let server = start(Dialect::VeeamEm, options, ([127, 0, 0, 1], 0).into()).unwrap();
    let source = sessionconf::scenario::SuiteSource {
        scenarios_dir: Path::new(ROOT).join("scenarios"),
        golden_dir: Path::new(ROOT).join("golden"),
        dialects: vec!["veeam-em".into()],
        allow_missing_goldens: false,
        variables: Vec::new(),
    };
    let suite = sessionconf::scenario::load_suite(&source).unwrap();
    let suite: Vec<_> = suite
        .into_iter()
        .filter(|s| s.id == "veeam-em::list-sessions[format=xml]")
        .collect();
    let run = sessionconf::run::RunOptions::new(server.base_url().parse().unwrap());
    let (outcomes, _) =
        sessionconf::harness::run_against(&suite, &source, "veeam-em", run).unwrap();
    let logon = outcomes[0]
        .steps
        .iter()
        .find(|s| s.name == "logon")
        .unwrap();
    // Only what the difference breaks: the status, headers and other links were right.
    let ids: Vec<&str> = logon.breaks.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["em.logon.up-link"]);
    let up = logon
        .breaks
        .iter()
        .find(|b| b.id == "em.logon.up-link")
        .unwrap();
    assert_eq!(
        up.text,
        "The LogonSession has an Up link of Type EnterpriseManager to /api/."
    );
    let text = sessionconf::report::console::render(&outcomes[0], false);
    let breaks = text
        .find("breaks em.logon.up-link: The LogonSession has an Up link")
        .expect(&text);
    let diff = text.find("@@").expect(&text);
    assert!(breaks < diff, "named before the diff:\n{text}");
    // Steps that pass name nothing; the JUnit message names it too.
    assert!(outcomes[0]
        .steps
        .iter()
        .filter(|s| s.name != "logon")
        .all(|s| s.breaks.is_empty()));
    let summary = sessionconf::report::RunSummary {
        targets: Vec::new(),
        scenarios: outcomes,
        not_run: Vec::new(),
        interrupted: false,
    };
    let junit = sessionconf::report::junit::Junit.render(&summary);
    assert!(junit.contains("em.logon.up-link"), "{junit}");
}

#[test]
fn a_run_reports_each_requirement_held_broken_or_deviating_per_target() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run.json");
    let html = dir.path().join("run.html");
    succeeds(&[
        "run",
        "--json",
        out.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
    ]);
    let doc = json(&out);
    let em = doc["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["dialect"] == "veeam-em")
        .unwrap()
        .clone();
    let verdict = |id: &str| {
        em["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| r["verdict"].as_str().unwrap().to_string())
            .unwrap()
    };
    // em-13 answers an unknown session with 500: the known deviation stands in for the 404.
    assert_eq!(verdict("em.session.unknown-404"), "known deviation");
    // The Error body of that answer is still checked, and holds.
    assert_eq!(verdict("em.error.body"), "held");
    assert_eq!(verdict("em.logon.status-201"), "held");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<table id=\"requirements\">"));
}

#[test]
fn strength_on_a_version_without_tenants_does_not_count_the_tenant_faults() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s.json");
    let run = sessionconf(&[
        "strength",
        "--profile",
        "em-12",
        "--dialect",
        "veeam-em",
        "--json",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
    let doc = json(&out);
    let faults = doc["faults"].as_array().unwrap();
    assert!(faults
        .iter()
        .all(|f| f["profile"] == "em-12" && f["dialect"] == "veeam-em"));
    let not_counted: Vec<&str> = faults
        .iter()
        .filter(|f| f["applies"] == false)
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        not_counted,
        [
            "tenant-sees-all",
            "tenant-admin-access",
            "tenant-logon-refused",
            "tenant-no-cloud-link"
        ]
    );
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(text.contains("n/a     tenant-sees-all (veeam-em, em-12) breaks em.tenant.sees-own-sessions: that requirement does not hold on em-12"), "{text}");
}

#[test]
fn a_suite_that_fails_against_the_unbroken_server_is_not_measured() {
    let dir = tempfile::tempdir().unwrap();
    let (scenarios, golden) = weakened(dir.path());
    let file = golden.join("commvault/logoff-response.xml");
    std::fs::write(&file, "<Api_LogoffUsersResponse processed=\"{{int}}\"/>\n").unwrap();
    let out = dir.path().join("s.json");
    let run = sessionconf(&[
        "strength",
        "--dialect",
        "commvault",
        "--scenarios",
        scenarios.to_str().unwrap(),
        "--golden-dir",
        golden.to_str().unwrap(),
        "--json",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    let doc = json(&out);
    assert_eq!(
        doc["faults"],
        serde_json::json!([]),
        "no fault is run against a failing baseline"
    );
    assert_eq!(doc["score"], 0.0);
    let failed = doc["baseline"][0]["failed"].as_array().unwrap();
    assert!(
        failed.iter().any(|f| f["step"] == "log-off-second"),
        "{failed:?}"
    );
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(
        text.contains("the suite fails against the unbroken commvault server (cv-2024)"),
        "{text}"
    );
}

#[test]
fn strength_runs_one_at_a_time_when_asked_and_refuses_none() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s.json");
    let run = sessionconf(&[
        "strength",
        "--dialect",
        "commvault",
        "--jobs",
        "1",
        "--json",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
    let doc = json(&out);
    // One at a time or side by side, the same faults and variants are run.
    assert_eq!(doc["faults"].as_array().unwrap().len(), 14);
    assert!(doc["faults"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["caught"] == true));
    let run = sessionconf(&["strength", "--jobs", "0"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("--jobs 0"));
}

/// A user's suite of one scenario: it logs on, checking only the status (and
/// citing the session cookie for it), and reads the session list against a
/// golden that pins it to exactly the caller's session.
fn pinned_suite(dir: &Path) -> (PathBuf, PathBuf) {
    let (scenarios, golden) = (dir.join("scenarios"), dir.join("golden"));
    std::fs::create_dir_all(scenarios.join("veeam-em")).unwrap();
    std::fs::create_dir_all(golden.join("veeam-em")).unwrap();
    std::fs::write(
        scenarios.join("veeam-em/pinned.yaml"),
        r#"name: pinned
description: Logs on and reads the session list, pinned to the caller's session.
steps:
  - name: logon
    covers:
      - em.logon.status-201: status
      - em.logon.session-cookie: status
    opens_session: token
    request:
      method: POST
      path: sessionMngr/?v=latest
      auth: { basic: { user: "${user}", password: "${password}" } }
    expect:
      status: 201
    capture:
      token: { header: X-RestSvcSessionId }
      session_id: { select: /LogonSession/SessionId }
  - name: list
    covers: [em.sessions.list-own]
    request:
      path: logonSessions
      headers: { X-RestSvcSessionId: "${token}" }
    expect:
      status: 200
      golden: veeam-em/pinned-sessions
finally:
  - name: logout
    covers: [em.logout.delete-204]
    closes_session: token
    request:
      method: DELETE
      path: logonSessions/${session_id}
      headers: { X-RestSvcSessionId: "${token}" }
    expect:
      status: 204
"#,
    )
    .unwrap();
    // The shipped golden lets other sessions be listed; this one does not.
    let shipped =
        std::fs::read_to_string(Path::new(ROOT).join("golden/veeam-em/logon-sessions.xml"))
            .unwrap();
    let (root, rest) = shipped.split_once('\n').unwrap();
    let pinned = root.replace(r#" sc:order="any" sc:extra="children""#, "");
    assert_ne!(pinned, root, "the shipped golden's root changed: {root}");
    std::fs::write(
        golden.join("veeam-em/pinned-sessions.xml"),
        format!("{pinned}\n{rest}"),
    )
    .unwrap();
    (scenarios, golden)
}

#[test]
fn strength_tells_a_user_what_alarmed_and_why_each_fault_was_missed() {
    let dir = tempfile::tempdir().unwrap();
    let (scenarios, golden) = pinned_suite(dir.path());
    let out = dir.path().join("s.json");
    let run = sessionconf(&[
        "strength",
        "--dialect",
        "veeam-em",
        "--scenarios",
        scenarios.to_str().unwrap(),
        "--golden-dir",
        golden.to_str().unwrap(),
        "--json",
        out.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "{text}");
    let doc = json(&out);
    assert!(
        doc["baseline"][0]["failed"].as_array().unwrap().is_empty(),
        "{text}"
    );

    // Other clients' sessions are listed too: the pinned golden alarms, and says where.
    let alarm = text
        .find("ALARM   others-open (veeam-em, em-13): veeam-em::pinned step `list`")
        .expect(&text);
    let under: Vec<&str> = text[alarm..].lines().skip(1).take(5).collect();
    assert!(
        under[0].starts_with("    response differs from golden veeam-em/pinned-sessions.xml in "),
        "{under:?}"
    );
    // Each session another client opened is one difference, as the run says it
    // (the cut to a few lines is the renderer's unit test).
    assert!(
        under[1].starts_with("      /LogonSessions/")
            && under[1].ends_with("unexpected element <LogonSession Type='LogonSession'>"),
        "{under:?}"
    );
    let variant = doc["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "others-open")
        .unwrap();
    let differed = variant["alarms"][0]["differed"].as_array().unwrap();
    assert_eq!(differed[0]["kind"], "golden", "{differed:?}");
    assert_eq!(differed[0]["path"], "veeam-em/pinned-sessions.xml");
    assert!(
        differed[1..].iter().all(|d| d["kind"] == "difference"
            && d["path"].as_str().unwrap().starts_with("/LogonSessions/")),
        "{differed:?}"
    );

    let fault = |name: &str| {
        doc["faults"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .cloned()
            .unwrap()
    };
    // The cookie is cited by a step that checks only the status: it ran, and could not see it.
    assert!(text.contains("MISSED  no-session-cookie (veeam-em, em-13) breaks em.logon.session-cookie: a step that covers it ran but does not check it\n    veeam-em::pinned step `logon`: ran and passed; checks status 201 only; cites it for `status`\n    hint: they check only the status"), "{text}");
    let cookie = fault("no-session-cookie");
    assert_eq!(cookie["missed"], "unchecked", "{cookie}");
    assert_eq!(cookie["covering"][0]["step"], "logon");
    assert_eq!(cookie["covering"][0]["ran"], "passed");
    assert_eq!(
        cookie["covering"][0]["checks"]["status"],
        serde_json::json!([201])
    );
    assert_eq!(cookie["covering"][0]["checks"].get("golden"), None);
    // No step cites the bad-credentials requirement.
    assert!(text.contains("MISSED  accept-any-password (veeam-em, em-13) breaks em.logon.bad-credentials: no step covers that requirement\n    hint: cite it (`covers: [em.logon.bad-credentials]`)"), "{text}");
    let password = fault("accept-any-password");
    assert_eq!(password["missed"], "uncovered", "{password}");
    assert_eq!(password.get("covering"), None);
    // A caught fault says neither.
    let status = fault("logon-answers-200");
    assert_eq!(status["caught"], true, "{status}");
    assert_eq!(status.get("missed"), None);
    assert_eq!(status["caught_by"][0].get("differed"), None);
}
