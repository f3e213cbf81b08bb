//! The reference server and the shipped suite together: the suite passes against
//! any server that writes the documented meaning, fails (naming a step) against a
//! server broken in each documented way, and the server survives bad input and load.

mod support;

use std::sync::Arc;
use std::time::Duration;

use sessionconf::credentials::Credentials;
use sessionconf::harness;
use sessionconf::report::{self, ScenarioOutcome, Status};
use sessionconf::run::RunOptions;
use sessionconf::server::{start, Dialect, Fault, Profile, RunningServer, ServerOptions, Style};

fn serve(dialect: Dialect, options: ServerOptions) -> RunningServer {
    start(dialect, options, ([127, 0, 0, 1], 0).into()).expect("the reference server starts")
}

/// The shipped suite as a run does it: probe, requirements, known deviations.
fn run_suite(dialect: Dialect, server: &RunningServer) -> Vec<ScenarioOutcome> {
    let suite = support::shipped(dialect.name());
    assert!(
        suite.len() >= 5,
        "the {} suite has its scenarios",
        dialect.name()
    );
    let mut options = RunOptions::new(server.base_url().parse().unwrap());
    options.client.timeout = Duration::from_secs(10);
    let source = support::shipped_source(dialect.name());
    harness::run_against(&suite, &source, dialect.name(), options)
        .expect("the version data loads")
        .0
}

fn profile_options(profile: Profile) -> ServerOptions {
    let mut options = ServerOptions::new(profile.dialect());
    options.profile = profile;
    options
}

fn status_of(outcomes: &[ScenarioOutcome], name: &str) -> Status {
    outcomes
        .iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no scenario {name}"))
        .status
}

fn failures(outcomes: &[ScenarioOutcome]) -> Vec<String> {
    outcomes
        .iter()
        .filter(|o| !o.passed())
        .map(|o| report::console::render(o, false))
        .collect()
}

fn styles() -> Vec<(&'static str, Style)> {
    vec![
        ("default", Style::default()),
        (
            "prefixed",
            Style {
                prefix: Some("v".into()),
                ..Style::default()
            },
        ),
        (
            "indented with a declaration",
            Style {
                indent: true,
                declaration: true,
                ..Style::default()
            },
        ),
        (
            "newer server: attributes reversed, schema namespaces, more links",
            Style {
                reverse_attributes: true,
                schema_namespaces: true,
                extra_links: true,
                ..Style::default()
            },
        ),
        (
            "everything at once",
            Style {
                prefix: Some("ns0".into()),
                indent: true,
                reverse_attributes: true,
                schema_namespaces: true,
                declaration: true,
                extra_links: true,
                reverse_links: true,
                reverse_lists: true,
                json_indent: true,
                json_reverse_members: true,
            },
        ),
    ]
}

#[test]
fn the_suite_passes_against_every_version_in_every_way_of_writing_the_same_documents() {
    for profile in Profile::ALL {
        let dialect = profile.dialect();
        for (label, style) in styles() {
            let mut options = ServerOptions::new(dialect);
            options.profile = profile;
            options.style = style;
            let server = serve(dialect, options);
            let outcomes = run_suite(dialect, &server);
            let failed = failures(&outcomes);
            assert!(
                failed.is_empty(),
                "{} / {label}:\n{}",
                profile.name(),
                failed.join("\n")
            );
            assert_eq!(
                server.open_sessions(),
                0,
                "{} / {label}: the suite left sessions open",
                profile.name()
            );
        }
    }
}

#[test]
fn versions_decide_known_deviations_and_what_applies() {
    let expect = [
        (Profile::Em95, "unknown-session", Status::Passed),
        (Profile::Em95U4, "unknown-session", Status::Passed),
        (Profile::Em12, "unknown-session", Status::KnownDeviation),
        (Profile::Em13, "unknown-session", Status::KnownDeviation),
        (Profile::Em95, "tenant-logon", Status::Passed),
        (Profile::Em12, "tenant-logon", Status::NotApplicable),
        // 12 and 13 answer a tenant's lookup of an administrator's session with 500.
        (Profile::Em12Cloud, "tenant-logon", Status::KnownDeviation),
        (Profile::Em13, "tenant-logon", Status::KnownDeviation),
        (Profile::Em13, "admin-logon", Status::Passed),
    ];
    for (profile, scenario, status) in expect {
        let mut options = ServerOptions::new(profile.dialect());
        options.profile = profile;
        let server = serve(profile.dialect(), options);
        let outcomes = run_suite(profile.dialect(), &server);
        let outcome = outcomes.iter().find(|o| o.name == scenario).unwrap();
        assert_eq!(
            outcome.status,
            status,
            "{} / {scenario}:\n{}",
            profile.name(),
            report::console::render(outcome, false)
        );
        if status == Status::NotApplicable {
            assert!(outcome.note.as_deref().unwrap().contains("cloud-connect"));
            assert!(outcome.steps.is_empty(), "nothing is sent");
        }
        assert_eq!(status_of(&outcomes, "admin-logon"), Status::Passed);
    }
}

#[test]
fn a_server_that_departs_from_both_the_documents_and_the_known_deviation_fails() {
    // 12 answers an unknown session with 500 and an Error body (known); a 500
    // whose body is not an Error is neither documented nor known.
    let mut options = ServerOptions::new(Dialect::VeeamEm);
    options.profile = Profile::Em13;
    options.faults = vec![Fault::WrongNamespace];
    let server = serve(Dialect::VeeamEm, options);
    let outcomes = run_suite(Dialect::VeeamEm, &server);
    assert_eq!(status_of(&outcomes, "unknown-session"), Status::Failed);
}

#[test]
fn the_suite_fails_against_each_broken_server_and_names_the_step() {
    let newest = [Profile::Em13, Profile::Em12, Profile::Cv2024];
    for profile in newest {
        let dialect = profile.dialect();
        // Without Cloud Connect the tenant scenarios do not apply, so the tenant faults cannot show.
        let tenant_fault = |f: &Fault| {
            matches!(
                f,
                Fault::TenantSeesAll
                    | Fault::TenantAdminAccess
                    | Fault::TenantLogonRefused
                    | Fault::TenantNoCloudLink
            )
        };
        for fault in Fault::ALL
            .iter()
            .filter(|f| f.applies_to(dialect))
            .filter(|f| {
                profile.em_cloud_connect() || dialect == Dialect::Commvault || !tenant_fault(f)
            })
        {
            let mut options = ServerOptions::new(dialect);
            options.profile = profile;
            options.faults = vec![*fault];
            let server = serve(dialect, options);
            let outcomes = run_suite(dialect, &server);
            let failed: Vec<&ScenarioOutcome> = outcomes.iter().filter(|o| !o.passed()).collect();
            assert!(
                !failed.is_empty(),
                "{} with fault {}: the suite passed",
                dialect.name(),
                fault.name()
            );
            for outcome in failed {
                let step = outcome
                    .steps
                    .iter()
                    .find(|s| s.status == Status::Failed)
                    .expect("a failed scenario has a failed step");
                assert!(
                    !step.failures.is_empty(),
                    "{}: a failed step says why",
                    outcome.id
                );
                let text = report::console::render(outcome, false);
                assert!(text.contains(&format!("`{}`", step.name)), "{text}");
            }
            // Where logout still works, no session is left behind.
            if !matches!(fault, Fault::KeepEndedSessions | Fault::LogoutKeepsSession) {
                assert_eq!(
                    server.open_sessions(),
                    0,
                    "{} with fault {}: sessions left open",
                    profile.name(),
                    fault.name()
                );
            }
        }
    }
}

fn client() -> reqwest::blocking::Client {
    sessionconf::run::client::install_crypto_provider();
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// Runs `flow` on 64 threads at once and fails if any of them does.
fn concurrently(flow: impl Fn() + Send + Sync + 'static) {
    let flow = Arc::new(flow);
    let threads: Vec<_> = (0..64)
        .map(|_| {
            let flow = flow.clone();
            std::thread::spawn(move || flow())
        })
        .collect();
    for t in threads {
        t.join().expect("a client thread failed");
    }
}

fn admin_logon(http: &reqwest::blocking::Client, base: &str) -> (String, String) {
    let c = Credentials::from_env();
    let r = http
        .post(format!("{base}sessionMngr/?v=latest"))
        .basic_auth(&c.user, Some(&c.password))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let token = r.headers()["X-RestSvcSessionId"]
        .to_str()
        .unwrap()
        .to_string();
    let body = r.text().unwrap();
    let doc = roxmltree::Document::parse(&body).unwrap();
    let delete = doc
        .descendants()
        .find(|n| n.attribute("Rel") == Some("Delete"))
        .and_then(|n| n.attribute("Href"))
        .unwrap()
        .to_string();
    (token, delete)
}

#[test]
fn many_clients_at_once_leave_no_session_and_get_no_error() {
    let server = serve(Dialect::VeeamEm, ServerOptions::new(Dialect::VeeamEm));
    let base = server.base_url();
    concurrently(move || {
        let http = client();
        for _ in 0..5 {
            let (token, delete) = admin_logon(&http, &base);
            let listed = http
                .get(format!("{base}logonSessions"))
                .header("X-RestSvcSessionId", &token)
                .send()
                .unwrap();
            assert_eq!(listed.status().as_u16(), 200);
            let out = http
                .delete(&delete)
                .header("X-RestSvcSessionId", &token)
                .send()
                .unwrap();
            assert_eq!(out.status().as_u16(), 204);
        }
    });
    assert_eq!(server.open_sessions(), 0);
}

#[test]
fn many_commvault_clients_at_once_leave_no_session_and_get_no_error() {
    use base64::Engine;
    let server = serve(Dialect::Commvault, ServerOptions::new(Dialect::Commvault));
    let base = server.base_url();
    let c = Credentials::from_env();
    let body = format!(
        "<DM2ContentIndexing_CheckCredentialReq username=\"{}\" password=\"{}\"/>",
        c.user,
        base64::engine::general_purpose::STANDARD.encode(&c.password)
    );
    concurrently(move || {
        let http = client();
        for _ in 0..5 {
            let login = http
                .post(format!("{base}Login"))
                .body(body.clone())
                .send()
                .unwrap()
                .text()
                .unwrap();
            let doc = roxmltree::Document::parse(&login).unwrap();
            let token = doc
                .root_element()
                .attribute("token")
                .expect("a token")
                .to_string();
            let list = http
                .get(format!("{base}Sessions"))
                .header("Authtoken", &token)
                .send()
                .unwrap();
            assert_eq!(list.status().as_u16(), 200);
            let out = http
                .post(format!("{base}Logout"))
                .header("Authtoken", &token)
                .send()
                .unwrap();
            assert_eq!(out.status().as_u16(), 200);
        }
    });
    assert_eq!(server.open_sessions(), 0);
    assert_eq!(server.issued_tokens().len(), 64 * 5);
}

#[test]
fn bad_requests_get_documented_errors_and_leave_the_state_intact() {
    // 9.5 answers as documented (12 and 13 answer an unknown session with 500).
    let server = serve(Dialect::VeeamEm, profile_options(Profile::Em95));
    let base = server.base_url();
    let http = client();
    let (token, delete) = admin_logon(&http, &base);
    let expect_error = |r: reqwest::blocking::Response, code: u16| {
        assert_eq!(r.status().as_u16(), code);
        let body = r.text().unwrap();
        let doc = roxmltree::Document::parse(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "Error");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.veeam.com/ent/v1.0")
        );
        assert_eq!(
            root.attribute("StatusCode"),
            Some(code.to_string().as_str())
        );
    };
    for body in ["<LoginSpec", "{not json", "<Other/>", "\u{0}\u{1}"] {
        expect_error(
            http.post(format!("{base}sessionMngr/?v=latest"))
                .body(body)
                .send()
                .unwrap(),
            400,
        );
    }
    expect_error(
        http.post(format!("{base}sessionMngr/?v=v9_9"))
            .send()
            .unwrap(),
        400,
    );
    expect_error(
        http.put(format!("{base}logonSessions")).send().unwrap(),
        405,
    );
    expect_error(
        http.get(format!("{base}no/such/thing")).send().unwrap(),
        404,
    );
    let huge = vec![b'<'; 10 * 1024 * 1024];
    let r = http
        .post(format!("{base}sessionMngr/?v=latest"))
        .body(huge)
        .send();
    if let Ok(r) = r {
        // The server may also close the connection before reading it all.
        assert_eq!(r.status().as_u16(), 413);
    }
    expect_error(
        http.get(format!("{base}logonSessions/nope"))
            .header("X-RestSvcSessionId", &token)
            .send()
            .unwrap(),
        404,
    );
    assert_eq!(
        server.open_sessions(),
        1,
        "bad requests made or lost no session"
    );
    let out = http
        .delete(&delete)
        .header("X-RestSvcSessionId", &token)
        .send()
        .unwrap();
    assert_eq!(out.status().as_u16(), 204);
    assert_eq!(server.open_sessions(), 0);
}

#[test]
fn the_json_faults_break_the_listed_sessions_too_and_leave_the_xml_alone() {
    let mut options = ServerOptions::new(Dialect::VeeamEm);
    options.faults = vec![Fault::JsonNoSessionId, Fault::JsonDeleteLinkElsewhere];
    let server = serve(Dialect::VeeamEm, options);
    let base = server.base_url();
    let http = client();
    let c = Credentials::from_env();
    let logon = http
        .post(format!("{base}sessionMngr/?v=latest"))
        .basic_auth(&c.user, Some(&c.password))
        .send()
        .unwrap();
    let token = logon.headers()["X-RestSvcSessionId"]
        .to_str()
        .unwrap()
        .to_string();
    let xml = logon.text().unwrap();
    assert!(xml.contains("<SessionId>"), "{xml}");
    let list = |accept: &str| {
        http.get(format!("{base}logonSessions"))
            .header("Accept", accept)
            .header("X-RestSvcSessionId", &token)
            .send()
            .unwrap()
            .text()
            .unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&list("application/json")).unwrap();
    let listed = &json["LogonSessions"][0];
    assert!(listed.get("SessionId").is_none(), "{json}");
    let delete = listed["Links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["Rel"] == "Delete")
        .unwrap();
    assert!(
        delete["Href"]
            .as_str()
            .unwrap()
            .ends_with("/logonSessions/00000000-0000-4000-8000-00000000d1e7"),
        "{json}"
    );
    assert!(list("application/xml").contains("<SessionId>"));
}

#[test]
fn json_follows_the_documented_mapping() {
    // 9.5: the Delete link still has its Type.
    let server = serve(Dialect::VeeamEm, profile_options(Profile::Em95));
    let base = server.base_url();
    let http = client();
    let c = Credentials::from_env();
    let r = http
        .post(format!("{base}sessionMngr/?v=latest"))
        .basic_auth(&c.user, Some(&c.password))
        .header("Accept", "application/json")
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let token = r.headers()["X-RestSvcSessionId"]
        .to_str()
        .unwrap()
        .to_string();
    let v: serde_json::Value = serde_json::from_str(&r.text().unwrap()).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["Links", "UserName", "SessionId", "Href", "Type"],
        "Href and Type come last"
    );
    let links = v["Links"].as_array().unwrap();
    assert!(links
        .iter()
        .any(|l| l["Rel"] == "Delete" && l["Type"] == "LogonSession"));
    assert_eq!(links[0].as_object().unwrap().keys().next().unwrap(), "Rel");
    let list: serde_json::Value = http
        .get(format!("{base}logonSessions"))
        .header("Accept", "application/json")
        .header("X-RestSvcSessionId", &token)
        .send()
        .unwrap()
        .text()
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap();
    assert_eq!(list["LogonSessions"][0]["SessionId"], v["SessionId"]);
    let err: serde_json::Value = http
        .get(format!("{base}logonSessions"))
        .header("Accept", "application/json")
        .send()
        .unwrap()
        .text()
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap();
    assert_eq!(err["StatusCode"], 401);
    assert!(err["FirstChanceExceptionMessage"].is_null() && err["Message"].is_string());
    let href = v["Href"].as_str().unwrap();
    let out = http
        .delete(href)
        .header("X-RestSvcSessionId", &token)
        .send()
        .unwrap();
    assert_eq!(out.status().as_u16(), 204);
}

#[test]
fn idle_sessions_expire() {
    let mut options = ServerOptions::new(Dialect::VeeamEm);
    options.idle_timeout = Duration::from_millis(300);
    let server = serve(Dialect::VeeamEm, options);
    let base = server.base_url();
    let http = client();
    let (token, _) = admin_logon(&http, &base);
    let ok = http
        .get(format!("{base}logonSessions"))
        .header("X-RestSvcSessionId", &token)
        .send()
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    std::thread::sleep(Duration::from_millis(600));
    let expired = http
        .get(format!("{base}logonSessions"))
        .header("X-RestSvcSessionId", &token)
        .send()
        .unwrap();
    assert_eq!(expired.status().as_u16(), 401);
    assert_eq!(server.open_sessions(), 0);
}

#[test]
fn commvault_login_over_json_and_logoff_of_listed_sessions_only() {
    use base64::Engine;
    let server = serve(Dialect::Commvault, ServerOptions::new(Dialect::Commvault));
    let base = server.base_url();
    let http = client();
    let c = Credentials::from_env();
    let login = |user: &str, password: &str| -> serde_json::Value {
        http.post(format!("{base}Login"))
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .body(
                serde_json::json!({
                    "username": user,
                    "password": base64::engine::general_purpose::STANDARD.encode(password),
                    "domain": "", "deviceId": "x", "mode": 4, "clientType": 30
                })
                .to_string(),
            )
            .send()
            .unwrap()
            .text()
            .map(|t| serde_json::from_str(&t).unwrap())
            .unwrap()
    };
    let failed = login(&c.user, "nope");
    assert_eq!(failed["errList"][0]["errorCode"], 5);
    let a = login(&c.user, &c.password);
    let b = login(&c.user, &c.password);
    assert_eq!(a["userName"], c.user.as_str());
    let token_a = a["token"].as_str().unwrap().to_string();
    let token_b = b["token"].as_str().unwrap().to_string();
    assert!(token_a.starts_with("QSDK "));
    let list: serde_json::Value = http
        .get(format!("{base}Sessions"))
        .header("Accept", "application/json")
        .header("Authtoken", &token_a)
        .send()
        .unwrap()
        .text()
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap();
    let ids: Vec<&str> = list["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["sessionId"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    // End the second by id (the newer one is listed last).
    let body = format!(
        "<Api_LogoffUsersRequest><sessions val=\"{}\"/></Api_LogoffUsersRequest>",
        ids[1]
    );
    let r = http
        .delete(format!("{base}Sessions"))
        .header("Authtoken", &token_a)
        .body(body)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.text().unwrap().trim(), "<Api_LogoffUsersResponse />");
    let refused = http
        .get(format!("{base}Sessions"))
        .header("Authtoken", &token_b)
        .send()
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);
    let out = http
        .post(format!("{base}Logout"))
        .header("Authtoken", &token_a)
        .header("Content-type", "application/xml")
        .send()
        .unwrap();
    assert_eq!(out.status().as_u16(), 200);
    assert_eq!(out.text().unwrap(), "User logged out");
    assert_eq!(server.open_sessions(), 0);
    let again = http
        .post(format!("{base}Logout"))
        .header("Authtoken", &token_a)
        .send()
        .unwrap();
    assert_eq!(again.status().as_u16(), 401);
    assert_eq!(
        again.text().unwrap(),
        "Invalid authorization token provided."
    );
}

#[test]
fn load_reports_throughput_latency_and_leftover_sessions() {
    use sessionconf::run::load_test::run_load;
    let scenario = support::shipped("veeam-em")
        .into_iter()
        .find(|s| s.id == "veeam-em::admin-logon[api=latest,format=json]")
        .unwrap();
    for (faults, leftover) in [(vec![], 0), (vec![Fault::KeepEndedSessions], 48)] {
        let mut options = ServerOptions::new(Dialect::VeeamEm);
        options.faults = faults;
        let server = serve(Dialect::VeeamEm, options);
        let run = Arc::new(RunOptions::new(server.base_url().parse().unwrap()));
        let open = || server.open_sessions();
        let report = run_load(&scenario, &run, 8, 48, Some(&open));
        assert_eq!(report.flows, 48);
        assert_eq!(report.failed_flows, 0, "{}", report.render());
        assert_eq!(
            report.sessions_left_open,
            Some(leftover),
            "{}",
            report.render()
        );
        assert_eq!(report.passed(), leftover == 0);
        let logon = report.steps.iter().find(|s| s.step == "logon").unwrap();
        assert_eq!(logon.count, 48);
        assert!(
            logon.p50_ms <= logon.p90_ms
                && logon.p90_ms <= logon.p99_ms
                && logon.p99_ms <= logon.max_ms
        );
        assert!(report.flows_per_second > 0.0);
    }
}

#[test]
fn load_limits_fail_the_load_and_each_step_is_one_row() {
    use sessionconf::run::load_test::{run_load_within, Thresholds};
    let scenario = support::shipped("veeam-em")
        .into_iter()
        .find(|s| s.id == "veeam-em::list-sessions[format=xml]")
        .unwrap();
    // Every flow fails at its logon (no Delete link); the logout still runs.
    let mut options = ServerOptions::new(Dialect::VeeamEm);
    options.faults = vec![Fault::NoDeleteLink];
    let server = serve(Dialect::VeeamEm, options);
    let run = Arc::new(RunOptions::new(server.base_url().parse().unwrap()));
    let open = || server.open_sessions();
    let within = |thresholds| run_load_within(&scenario, &run, (2, 6), Some(&open), thresholds);
    let report = within(Thresholds::default());
    assert_eq!(report.failed_flows, 6, "{}", report.render());
    assert!(!report.passed());
    let labels: Vec<&str> = report.steps.iter().map(|s| s.step.as_str()).collect();
    assert_eq!(labels, ["logon", "finally logout"], "one row per step");
    assert_eq!(report.flow_latency.count, 6);
    // All failed: a limit of 1 allows it, one of 0.5 does not.
    let allowed = within(Thresholds {
        max_error_rate: Some(1.0),
        ..Thresholds::default()
    });
    assert!(allowed.passed(), "{}", allowed.render());
    let broken = within(Thresholds {
        max_error_rate: Some(0.5),
        ..Thresholds::default()
    });
    assert!(!broken.passed());
    assert!(
        broken
            .render()
            .contains("limit broken: 6 of 6 flows failed (1.000), above --max-error-rate 0.5"),
        "{}",
        broken.render()
    );
    let slow = within(Thresholds {
        max_error_rate: Some(1.0),
        max_p99_ms: Some(0.000_001),
    });
    assert!(!slow.passed());
    assert!(
        slow.breaches[0].contains("above --max-p99"),
        "{:?}",
        slow.breaches
    );
    let fast = within(Thresholds {
        max_error_rate: Some(1.0),
        max_p99_ms: Some(60_000.0),
    });
    assert!(fast.passed(), "{}", fast.render());
}

#[test]
fn the_probe_reads_each_version_and_its_capabilities_and_logs_out() {
    let expect: [(Profile, Option<&str>, &[&str]); 5] = [
        (Profile::Em95, Some("v1_3"), &["cloud-connect"]),
        (Profile::Em95U4, Some("v1_4"), &["cloud-connect"]),
        (Profile::Em12, Some("v1_7"), &[]),
        (Profile::Cv11Sp28, None, &[]),
        (Profile::Cv2024, None, &["session-last-accessed-time"]),
    ];
    for (profile, version, capabilities) in expect {
        let server = serve(profile.dialect(), profile_options(profile));
        let mut options = RunOptions::new(server.base_url().parse().unwrap());
        options.client.timeout = Duration::from_secs(10);
        let source = support::shipped_source(profile.dialect().name());
        let (_, info) = harness::run_against(&[], &source, profile.dialect().name(), options)
            .expect("the version data loads");
        assert_eq!(info.version.as_deref(), version, "{}", profile.name());
        assert_eq!(info.capabilities, capabilities, "{}", profile.name());
        assert_eq!(
            server.open_sessions(),
            0,
            "{}: the probe logs out",
            profile.name()
        );
    }
}
