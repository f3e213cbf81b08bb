//! Goldens a person would keep: bless writes the contract, not the moment.
//! Blessed into an empty directory, on one version or several, with other
//! clients' sessions open on the server, the goldens hold on every version the
//! reference server plays, as another account, and `strength` raises no false
//! alarm on them. Every child process is bounded in time.

mod support;

use support::copy_tree;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use support::{wait, Output};

const BIN: &str = env!("CARGO_BIN_EXE_sessionconf");

const PROFILES: [&str; 7] = [
    "em-9.5",
    "em-9.5u4",
    "em-12",
    "em-12-cloud",
    "em-13",
    "cv-11.28",
    "cv-2024",
];

/// Other clients' sessions open and another client logging on and off every
/// 20 ms, as on any real server.
const BUSY: [&str; 3] = ["--others", "--churn", "20"];

fn sessionconf(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(dir)
        .env_remove("CI")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in [
        "SESSIONCONF_USER",
        "SESSIONCONF_PASSWORD",
        "SESSIONCONF_TENANT_USER",
        "SESSIONCONF_TENANT_PASSWORD",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in envs {
        cmd.env(k, v);
    }
    wait(cmd.spawn().unwrap(), Duration::from_secs(300))
}

/// A copy of the shipped scenarios and an empty golden directory: the probe,
/// the known deviations and the logon fragments ship with the tool.
fn shipped_scenarios_in(dir: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_tree(&root.join("scenarios"), &dir.join("scenarios"));
    std::fs::create_dir_all(dir.join("golden")).unwrap();
}

fn passes(dir: &Path, what: &str, args: &[&str], envs: &[(&str, &str)]) {
    let run = sessionconf(dir, &[&["run"][..], args].concat(), envs);
    assert_eq!(run.code, 0, "{what}: {}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(" 0 failed; sessions left open: 0"),
        "{what}: {}",
        run.stderr
    );
}

fn blessed(dir: &Path, what: &str, args: &[&str]) -> Output {
    let bless = sessionconf(dir, &[&["bless"][..], args].concat(), &[]);
    assert_eq!(bless.code, 0, "{what}: {}{}", bless.stdout, bless.stderr);
    bless
}

/// `strength`'s last line, `F/N faults caught, V/W variants passed ...`: the
/// faults caught, and whether every variant passed.
fn strength(dir: &Path, args: &[&str]) -> (usize, usize, bool, String) {
    let out = sessionconf(dir, &[&["strength"][..], args].concat(), &[]);
    let last = out.stdout.lines().last().unwrap_or_default().to_string();
    let fraction = |text: &str| -> (usize, usize) {
        let (a, b) = text.split_once('/').unwrap();
        (a.trim().parse().unwrap(), b.trim().parse().unwrap())
    };
    let (faults, rest) = last.split_once(" faults caught, ").expect(&out.stdout);
    let (caught, total) = fraction(faults);
    let (variants, _) = rest.split_once(" variants").unwrap();
    let (passed, of) = fraction(variants);
    (caught, total, passed == of, out.stdout)
}

#[test]
fn the_shipped_scenarios_blessed_on_each_version_beside_other_clients_pass_twice_there() {
    let dir = tempfile::tempdir().unwrap();
    shipped_scenarios_in(dir.path());
    for profile in PROFILES {
        let golden = format!("golden-{profile}");
        std::fs::create_dir_all(dir.path().join(&golden)).unwrap();
        let suite = [&["--golden-dir", &golden, "--profile", profile][..], &BUSY].concat();
        let bless = blessed(dir.path(), profile, &suite);
        assert!(
            !bless.stderr.contains("not recorded:"),
            "{profile}: every golden recorded: {}",
            bless.stderr
        );
        for _ in 0..2 {
            passes(dir.path(), profile, &suite, &[]);
        }
        let again = blessed(dir.path(), profile, &suite);
        assert!(
            again.stderr.contains("bless: 0 new, 0 changed"),
            "{profile}: a second bless writes nothing: {}",
            again.stderr
        );
    }
    let list = dir.path().join("golden-em-13/veeam-em/logon-sessions.xml");
    let list = std::fs::read_to_string(list).unwrap();
    assert_eq!(
        list.matches("<LogonSession ").count(),
        1,
        "the caller's own: {list}"
    );
    assert!(
        list.contains(r"<UserName>{{any}}\{{user}}</UserName>"),
        "{list}"
    );
    // The 404 body em-13 never shows (it answers 500, a known deviation) is
    // taken from a version that does.
    let not_found = dir.path().join("golden-em-13/veeam-em/error-404.xml");
    let not_found = std::fs::read_to_string(not_found).unwrap();
    assert!(not_found.contains(r#"StatusCode="404""#), "{not_found}");
}

#[test]
fn blessed_on_an_old_and_a_new_version_at_once_the_goldens_hold_on_every_version() {
    let dir = tempfile::tempdir().unwrap();
    shipped_scenarios_in(dir.path());
    let config = "scenarios = \"scenarios\"\ngolden_dir = \"golden\"\n\
        [targets.em-old]\nprofile = \"em-9.5\"\n[targets.em-new]\nprofile = \"em-13\"\n\
        [targets.cv-old]\nprofile = \"cv-11.28\"\n[targets.cv-new]\nprofile = \"cv-2024\"\n";
    std::fs::write(dir.path().join("sessionconf.toml"), config).unwrap();
    let bless = blessed(
        dir.path(),
        "all targets",
        &[&["--all-targets"][..], &BUSY].concat(),
    );
    assert!(
        bless.stderr.contains("bless: 26 new, 0 changed")
            && !bless.stderr.contains("not recorded:"),
        "{}",
        bless.stderr
    );
    assert!(
        bless.stderr.contains("learned from 2 recordings"),
        "what differed between the versions is said: {}",
        bless.stderr
    );
    for profile in PROFILES {
        passes(
            dir.path(),
            profile,
            &[&["--profile", profile][..], &BUSY].concat(),
            &[],
        );
    }
    let (caught, total, no_alarm, out) = strength(dir.path(), &[]);
    assert!(no_alarm, "no false alarm: {out}");
    assert_eq!(total, 40, "{out}");
    assert!(caught >= 38, "at least 38 of 40 faults caught: {out}");
}

/// A suite as a newcomer writes it from the README: Enterprise Manager's logon
/// written out with its own golden, the list, the caller's session in it, the
/// logout and the token refused; Commvault's login from the tool's fragment,
/// the list with a golden, the logout.
fn newcomers_suite(dir: &Path) {
    let em = r#"name: my-sessions
matrix:
  format: [xml, json]
steps:
  - name: logon
    opens_session: token
    request:
      method: POST
      path: sessionMngr/?v=latest
      auth: { basic: { user: "${user}", password: "${password}" } }
      headers: { Accept: "application/${format}" }
    expect:
      status: 201
      golden: veeam-em/my-logon
    capture:
      token: { header: X-RestSvcSessionId }
      session_id: { select: { xml: /LogonSession/SessionId, json: $.SessionId } }
  - name: list
    request:
      path: logonSessions
      headers: { X-RestSvcSessionId: "${token}", Accept: "application/${format}" }
    expect:
      status: 200
      golden: veeam-em/my-sessions
      body:
        - select:
            xml: /LogonSessions/LogonSession[SessionId='${session_id}']
            json: $.LogonSessions[?(@.SessionId=='${session_id}')]
          count: 1
  - name: logout
    closes_session: token
    request:
      method: DELETE
      path: logonSessions/${session_id}
      headers: { X-RestSvcSessionId: "${token}" }
    expect: { status: 204 }
  - name: token-refused
    request:
      path: logonSessions
      headers: { X-RestSvcSessionId: "${token}" }
      cookies: false
    expect: { status: 401 }
finally:
  - name: final-logout
    closes_session: token
    request:
      method: DELETE
      path: logonSessions/${session_id}
      headers: { X-RestSvcSessionId: "${token}" }
    expect: { status: 204 }
"#;
    let cv = r#"name: my-sessions
matrix:
  format: [xml, json]
steps:
  - use: login
    with: { format: "${format}" }
  - name: list
    request:
      path: Sessions
      headers: { Authtoken: "${token}", Accept: "application/${format}" }
    expect:
      status: 200
      golden: commvault/my-sessions
"#;
    for (dialect, text) in [("veeam-em", em), ("commvault", cv)] {
        let d = dir.join("scenarios").join(dialect);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("my-sessions.yaml"), text).unwrap();
    }
    std::fs::create_dir_all(dir.join("golden")).unwrap();
}

#[test]
fn a_newcomers_suite_blessed_on_the_newest_version_holds_everywhere_as_another_account() {
    let dir = tempfile::tempdir().unwrap();
    newcomers_suite(dir.path());
    blessed(dir.path(), "newest", &[]);
    // The caller's own session, its two links, the rest allowed: XML in 10
    // lines, JSON (a bracket a line) in 16.
    for (list, most) in [
        ("veeam-em/my-sessions.xml", 15),
        ("veeam-em/my-sessions.json", 16),
        ("commvault/my-sessions.xml", 15),
        ("commvault/my-sessions.json", 15),
    ] {
        let text = std::fs::read_to_string(dir.path().join("golden").join(list)).unwrap();
        assert!(text.lines().count() <= most, "{list}: {text}");
        assert!(
            !text.contains("SRV13") && !text.contains("Administrator"),
            "{list}: {text}"
        );
    }
    let logon = std::fs::read_to_string(dir.path().join("golden/veeam-em/my-logon.xml")).unwrap();
    assert!(
        logon.contains(r#"Rel="Up""#)
            && logon.contains(r#"Rel="Delete""#)
            && logon.lines().count() <= 10,
        "the links every version serves, no more: {logon}"
    );
    let other = [
        ("SESSIONCONF_USER", "Backup Admin"),
        ("SESSIONCONF_PASSWORD", "Another-Secret9"),
    ];
    for profile in PROFILES {
        let on = [&["--profile", profile][..], &BUSY].concat();
        passes(dir.path(), profile, &on, &[]);
        passes(
            dir.path(),
            &format!("{profile} as another account"),
            &on,
            &other,
        );
    }
    let (_, _, no_alarm, out) = strength(dir.path(), &[]);
    assert!(no_alarm, "no false alarm: {out}");
}
