//! Runs against several targets at once (one of them broken), what each report
//! says of them, and the HTML report as a person sees it in a real browser
//! (headless Chromium; CI installs it, and there a missing browser fails).

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use sessionconf::credentials::{DEFAULT_PASSWORD, DEFAULT_USER};
use sessionconf::server::{start, Dialect, Fault, RunningServer, ServerOptions};
use support::{wait, Output};

const BIN: &str = env!("CARGO_BIN_EXE_sessionconf");

/// A lab of two targets: the embedded reference server playing Enterprise
/// Manager 13, and a server that leaves the Delete link out.
struct Lab {
    dir: tempfile::TempDir,
    broken: RunningServer,
}

impl Lab {
    fn new() -> Lab {
        let mut options = ServerOptions::new(Dialect::VeeamEm);
        options.faults = vec![Fault::NoDeleteLink];
        let broken = start(Dialect::VeeamEm, options, ([127, 0, 0, 1], 0).into()).unwrap();
        let root = env!("CARGO_MANIFEST_DIR");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("sessionconf.toml"),
            format!(
                "scenarios = \"{root}/scenarios\"\ngolden_dir = \"{root}/golden\"\n\n[targets.em13]\nprofile = \"em-13\"\n\n[targets.broken]\nendpoint = \"{}\"\ndialect = \"veeam-em\"\n\n[targets.cv]\nprofile = \"cv-2024\"\n\n[targets.em12]\nprofile = \"em-12\"\n",
                broken.base_url()
            ),
        )
        .unwrap();
        Lab { dir, broken }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, args: &[&str]) -> Output {
        self.sessionconf("run", args)
    }

    fn sessionconf(&self, command: &str, args: &[&str]) -> Output {
        let mut cmd = Command::new(BIN);
        cmd.arg(command)
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("CI")
            .env("NO_COLOR", "1")
            .env("SESSIONCONF_USER", DEFAULT_USER)
            .env("SESSIONCONF_PASSWORD", DEFAULT_PASSWORD)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        wait(cmd.spawn().unwrap(), Duration::from_secs(120))
    }

    /// `run --target em13 --target broken` with every report.
    fn run_both(&self) -> Output {
        let (html, json, junit) = (self.path("r.html"), self.path("r.json"), self.path("r.xml"));
        self.run(&[
            "--target",
            "em13",
            "--target",
            "broken",
            "--html",
            html.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
            "--junit",
            junit.to_str().unwrap(),
        ])
    }
}

/// The words of the console matrix's row for `scenario`.
fn matrix_row<'a>(stderr: &'a str, scenario: &str) -> Vec<&'a str> {
    stderr
        .lines()
        .find(|l| l.split_whitespace().next() == Some(scenario))
        .unwrap_or_else(|| panic!("no matrix row {scenario} in\n{stderr}"))
        .split_whitespace()
        .collect()
}

#[test]
fn two_targets_run_side_by_side_and_the_matrix_tells_them_apart() {
    let lab = Lab::new();
    let out = lab.run_both();
    assert_eq!(
        out.code, 1,
        "the broken target fails the run\n{}",
        out.stderr
    );
    let err = &out.stderr;
    assert_eq!(
        matrix_row(err, "scenario"),
        ["scenario", "em13", "broken"],
        "{err}"
    );
    assert_eq!(
        matrix_row(err, "veeam-em::admin-logon[api=latest,format=xml]")[1..],
        ["passed", "FAILED"]
    );
    assert_eq!(
        matrix_row(err, "veeam-em::entry-point[format=json]")[1..],
        ["passed", "passed"]
    );
    assert_eq!(
        matrix_row(err, "veeam-em::unknown-session[format=xml]")[1..],
        ["known", "dev.", "FAILED"],
        "the broken server's logon spoils every flow that logs on"
    );
    assert!(
        out.stdout
            .contains("test broken/veeam-em::admin-logon[api=latest,format=json] ... FAILED"),
        "{}",
        out.stdout
    );
    assert!(err.contains("\n  em13: logon 14/0/0/10"), "{err}");
    assert!(err.contains("\n  broken: logon "), "{err}");
    assert_eq!(
        lab.broken.open_sessions(),
        0,
        "the broken target's sessions were ended"
    );
    // Every report row carries its target.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(lab.path("r.json")).unwrap()).unwrap();
    let scenarios = json["scenarios"].as_array().unwrap();
    let on = |t: &str| scenarios.iter().filter(|s| s["target"] == t).count();
    assert_eq!(on("em13"), on("broken"));
    assert_eq!(on("em13") * 2, scenarios.len());
    assert_eq!(
        json["matrix"]["targets"],
        serde_json::json!(["em13", "broken"])
    );
    let failed_on = |t: &str| {
        json["conformance"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["target"] == t)
            .map(|r| r["failed"].as_u64().unwrap())
            .sum::<u64>()
    };
    assert_eq!(failed_on("em13"), 0);
    assert!(failed_on("broken") > 0, "{json}");
    let junit = std::fs::read_to_string(lab.path("r.xml")).unwrap();
    assert!(
        junit.contains("<testsuite name=\"em13/veeam-em\""),
        "{junit}"
    );
    assert!(
        junit.contains("<testsuite name=\"broken/veeam-em\""),
        "{junit}"
    );
}

#[test]
fn all_targets_runs_each_dialect_on_its_own_targets_and_names_mistakes() {
    let lab = Lab::new();
    let out = lab.run(&["--all-targets", "--filter", "logon"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let err = &out.stderr;
    // No Commvault trial is called logon: its files are not loaded, and the
    // Commvault target is neither probed nor shown.
    assert_eq!(
        matrix_row(err, "scenario"),
        ["scenario", "broken", "em12", "em13"],
        "{err}"
    );
    assert!(!err.contains("commvault"), "{err}");
    assert_eq!(
        matrix_row(err, "veeam-em::admin-logon[api=latest,format=xml]")[1..],
        ["FAILED", "passed", "passed"]
    );
    let out = lab.run(&["--all-targets", "--dialect", "commvault"]);
    assert_eq!(out.code, 0, "only cv runs commvault\n{}", out.stderr);
    assert!(!out.stderr.contains("veeam-em::"), "{}", out.stderr);
    let out = lab.run(&["--target", "em13", "--target", "em31"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("did you mean `em13`?"),
        "{}",
        out.stderr
    );
    let out = lab.run(&["--target", "em13", "--target", "em13"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("--target em13 is given twice"),
        "{}",
        out.stderr
    );
    let out = lab.run(&[
        "--target",
        "em13",
        "--target",
        "cv",
        "--filter",
        "nothing-by-this-name",
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("no trial matches --filter nothing-by-this-name"),
        "{}",
        out.stderr
    );
    // A filter may name a target's trials.
    let out = lab.run(&[
        "--target", "em13", "--target", "broken", "--filter", "em13/",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn compare_tells_two_presentations_of_one_server_from_two_versions() {
    let lab = Lab::new();
    let plain = start(
        Dialect::VeeamEm,
        ServerOptions::new(Dialect::VeeamEm),
        ([127, 0, 0, 1], 0).into(),
    )
    .unwrap();
    let mut options = ServerOptions::new(Dialect::VeeamEm);
    options.style.prefix = Some("v".into());
    options.style.indent = true;
    options.style.reverse_attributes = true;
    options.style.declaration = true;
    let dressed = start(Dialect::VeeamEm, options, ([127, 0, 0, 1], 0).into()).unwrap();
    let (a, b) = (plain.base_url(), dressed.base_url());
    let out = lab.sessionconf(
        "compare",
        &["--dialect", "veeam-em", "--target", &a, "--target", &b],
    );
    assert_eq!(
        out.code, 0,
        "one server presented two ways\n{}{}",
        out.stdout, out.stderr
    );
    assert!(
        out.stdout
            .contains("veeam-em::admin-logon[api=latest,format=json]: same"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(" 0 differ"), "{}", out.stdout);
    // Two versions: the contract changed, and the steps that show it are named.
    let out = lab.sessionconf("compare", &["--target", "em13", "--target", "em12"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let o = &out.stdout;
    assert!(o.contains("veeam-em::admin-logon[api=latest,format=xml]: DIFFERS\n  step `logon`:\n    /LogonSession/Links/Link[@Type='CloudConnectService']: missing element"), "{o}");
    // The JSON form differs at the same link, named by a JSON path.
    assert!(o.contains("veeam-em::admin-logon[api=latest,format=json]: DIFFERS\n  step `logon`:\n    $.Links[?(@.Type=='CloudConnectService')]: missing item"), "{o}");
    assert!(o.contains("veeam-em::tenant-logon[format=json]: DIFFERS\n  applies to em13 only (em12: not applicable: the server does not show the capability `cloud-connect`)"), "{o}");
    assert!(o.contains("veeam-em::entry-point[format=xml]: same"), "{o}");
    assert!(
        o.contains("veeam-em::entry-point[format=json]: same"),
        "{o}"
    );
    // A broken server against a good one: its missing Delete link, by path.
    let out = lab.sessionconf(
        "compare",
        &[
            "--dialect",
            "veeam-em",
            "--target",
            &a,
            "--target",
            &lab.broken.base_url(),
            "--filter",
            "admin-logon[api=latest,",
        ],
    );
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    for missing in [
        "/LogonSession/Links/Link[@Rel='Delete']: missing element",
        "$.Links[?(@.Rel=='Delete')]: missing item",
    ] {
        assert!(out.stdout.contains(missing), "{missing}\n{}", out.stdout);
    }
    for (name, server) in [
        ("plain", &plain),
        ("dressed", &dressed),
        ("broken", &lab.broken),
    ] {
        assert_eq!(server.open_sessions(), 0, "{name} has no session left");
    }
    for text in [&out.stdout, &out.stderr] {
        assert!(!text.contains(DEFAULT_PASSWORD));
    }
    let out = lab.sessionconf("compare", &["--target", "em13"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("compare needs two targets"),
        "{}",
        out.stderr
    );
    let out = lab.sessionconf("compare", &["--target", &a, "--target", &b]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("an endpoint needs its dialect"),
        "{}",
        out.stderr
    );
}

/// A browser that can run headless, or `None` where there is none (outside CI).
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for name in [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ] {
        if let Some(found) = std::env::split_paths(&path)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
        {
            return Some(found);
        }
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must have Chromium for the HTML report's browser test (.ci/run installs it)"
    );
    None
}

/// The page's DOM after its script ran, as Chromium serializes it.
fn dom(browser: &Path, page: &Path, fragment: &str, profile: &Path) -> String {
    let url = format!("file://{}{fragment}", page.display());
    let child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--dump-dom", &url])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = wait(child, Duration::from_secs(90));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("data-ready=\"true\""),
        "the script ran\n{}",
        out.stdout
    );
    out.stdout
}

/// The opening tags of elements that start with `prefix`.
fn tags<'a>(dom: &'a str, prefix: &str) -> Vec<&'a str> {
    dom.match_indices(prefix)
        .map(|(i, _)| &dom[i..i + dom[i..].find('>').unwrap()])
        .collect()
}

#[test]
fn the_html_report_shows_a_person_the_matrix_a_failing_diff_and_no_token() {
    let Some(browser) = chromium() else {
        eprintln!("no Chromium on this machine: the browser test did not run");
        return;
    };
    let lab = Lab::new();
    let out = lab.run_both();
    assert_eq!(out.code, 1, "{}", out.stderr);
    let page = lab.path("r.html");
    let profile = lab.path("chromium-profile");
    let all = dom(&browser, &page, "", &profile);
    // The matrix comes first: the broken target's logon failed, em13's passed.
    let matrix = all.find("id=\"matrix\"").unwrap();
    assert!(matrix < all.find("class=\"target\"").unwrap());
    let row_start = all
        .find("<th>veeam-em::admin-logon[api=latest,format=xml]</th>")
        .unwrap();
    let row = &all[row_start..row_start + all[row_start..].find("</tr>").unwrap()];
    assert!(
        row.contains("class=\"passed\" data-target=\"em13\""),
        "{row}"
    );
    assert!(
        row.contains("class=\"failed\" data-target=\"broken\""),
        "{row}"
    );
    // The failing step, open, with its difference and the diff's missing line.
    assert!(all.contains("missing element &lt;Link Rel="), "{all}");
    let deleted: Vec<&str> = all
        .match_indices("<span class=\"del\">")
        .map(|(i, _)| &all[i..i + all[i..].find("</span>").unwrap()])
        .collect();
    assert!(
        deleted
            .iter()
            .any(|l| l.contains("&lt;Link Rel=\"Delete\"")),
        "{deleted:?}"
    );
    let failed = tags(&all, "<details class=\"scenario failed\"");
    assert!(
        !failed.is_empty() && failed.iter().all(|t| t.contains(" open")),
        "{failed:?}"
    );
    // Tokens: the response shows the header, never its value; no password anywhere.
    let shown: Vec<&str> = all
        .match_indices("X-RestSvcSessionId: ")
        .map(|(i, _)| &all[i + 20..i + 20 + 16.min(all.len() - i - 20)])
        .collect();
    assert!(!shown.is_empty(), "a failed step's response is shown");
    assert!(
        shown.iter().all(|v| v.starts_with("&lt;redacted&gt;")),
        "{shown:?}"
    );
    assert!(!all.contains(DEFAULT_PASSWORD));
    // Failed only: every passing scenario is hidden, every failing one shown.
    let failed_view = dom(&browser, &page, "#failed", &profile);
    let passed = tags(&failed_view, "<details class=\"scenario passed\"");
    assert!(
        !passed.is_empty() && passed.iter().all(|t| t.contains("hidden")),
        "{passed:?}"
    );
    let failed = tags(&failed_view, "<details class=\"scenario failed\"");
    assert!(failed.iter().all(|t| !t.contains("hidden")), "{failed:?}");
    // One target: the other's section is hidden.
    let em13_view = dom(&browser, &page, "#target=em13", &profile);
    let sections = tags(&em13_view, "<section class=\"target\"");
    assert_eq!(sections.len(), 2, "{sections:?}");
    for s in sections {
        assert_eq!(
            s.contains("data-target=\"broken\""),
            s.contains("hidden"),
            "{s}"
        );
    }
}
