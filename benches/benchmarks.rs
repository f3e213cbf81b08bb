//! Benchmarks, run with `cargo bench --bench benchmarks` (add `-- comparator`,
//! `-- suite` or `-- overhead` for one group). Figures are ratios and rates
//! measured side by side in one run; BENCHMARKS.md records them.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Counts heap bytes in use and their peak, so each phase's peak can be read.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size > layout.size() {
                let now = CURRENT.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                    - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn reset_peak() -> usize {
    let now = CURRENT.load(Ordering::Relaxed);
    PEAK.store(now, Ordering::Relaxed);
    now
}

fn peak() -> usize {
    PEAK.load(Ordering::Relaxed)
}

const MB: f64 = 1_000_000.0;

mod json_comparator {
    //! The JSON comparator on the same 10,000 sessions, as Enterprise
    //! Manager's JSON writes them.
    use super::comparator::{id, measured, shuffled, Measured, LINKS};
    use super::*;
    use sessionconf::json::compare::compare;
    use sessionconf::json::expected::compile;
    use sessionconf::placeholder::Bindings;

    /// A `{"LogonSessions": [...]}` list; `golden` writes markers and placeholders.
    fn document(order: &[usize], reverse_links: bool, golden: Option<&str>) -> String {
        let origin = if golden.is_some() {
            "{{origin}}"
        } else {
            "http://em01.example.com:9399"
        };
        let mut out = String::with_capacity(order.len() * 5000 + 100);
        out.push_str("{\"LogonSessions\": [");
        if let Some(marker) = golden {
            out.push_str(marker);
            out.push(',');
        }
        for (n, &i) in order.iter().enumerate() {
            let sid = if golden.is_some() {
                "{{uuid}}".to_string()
            } else {
                id(i)
            };
            let href = format!("{origin}/api/logonSessions/{sid}");
            let mut links: Vec<String> = LINKS
                .iter()
                .map(|(rel, t)| {
                    format!(
                        "{{\"Rel\":\"{rel}\",\"Type\":\"{t}\",\"Href\":\"{origin}/api/{}\"}}",
                        t.to_lowercase()
                    )
                })
                .collect();
            links.push(format!(
                "{{\"Rel\":\"Delete\",\"Type\":\"LogonSession\",\"Href\":\"{href}\"}}"
            ));
            if reverse_links {
                links.reverse();
            }
            let set = if golden.is_some() {
                "{\"sc:order\":\"any\"},"
            } else {
                ""
            };
            out.push_str(&format!(
                "{}\n  {{\"Type\":\"LogonSession\",\"Href\":\"{href}\",\"Links\":[{set}{}],\"UserName\":\"EM01\\\\user{i}\",\"SessionId\":\"{sid}\"}}",
                if n > 0 { "," } else { "" },
                links.join(",")
            ));
        }
        out.push_str("\n]}\n");
        out
    }

    fn measure(mode: &'static str, sessions: usize, golden: &str, actual: &str) -> Measured {
        let (expected, _) = compile(golden).expect("the golden compiles");
        measured(mode, sessions, actual, || {
            let started = Instant::now();
            let doc = sessionconf::json::parse(actual).expect("the document parses");
            let comparison = compare(&expected, &doc, &Bindings::default());
            let elapsed = started.elapsed();
            assert!(
                comparison.differences.is_empty(),
                "{mode}: {:?}",
                comparison.differences.first()
            );
            elapsed
        })
    }

    pub fn run() {
        println!("## JSON comparator\n");
        println!("The same 10,000 sessions as JSON. Median of 3 runs each: parse the response, then compare it with the compiled golden.\n");
        println!("| mode | sessions | document | time | MB/s | peak heap / document |");
        println!("| --- | ---: | ---: | ---: | ---: | ---: |");
        let n = 10_000;
        let ordered: Vec<usize> = (0..n).collect();
        let actual = document(&ordered, false, None);
        let mut rows = vec![
            measured(
                "parse only (the JSON tree: duplicates refused, numbers by value)",
                n,
                &actual,
                || {
                    let started = Instant::now();
                    std::hint::black_box(
                        sessionconf::json::parse(&actual).expect("the document parses"),
                    );
                    started.elapsed()
                },
            ),
            measured(
                "parse only (serde_json::Value, for reference)",
                n,
                &actual,
                || {
                    let started = Instant::now();
                    let v: serde_json::Value =
                        serde_json::from_str(&actual).expect("the document parses");
                    std::hint::black_box(v);
                    started.elapsed()
                },
            ),
            measure("full (ordered, literal golden)", n, &actual, &actual),
        ];
        let shuffled_actual = document(&shuffled(n), true, None);
        let unordered = document(&ordered, false, Some("{\"sc:order\":\"any\"}"));
        rows.push(measure(
            "unordered (`{{origin}}` and `{{uuid}}` in the golden)",
            n,
            &unordered,
            &shuffled_actual,
        ));
        let tenth: Vec<usize> = (0..n).step_by(10).collect();
        let extra = document(
            &tenth,
            false,
            Some("{\"sc:order\":\"any\",\"sc:extra\":\"items\"}"),
        );
        rows.push(measure(
            "extra allowed (golden holds 1 in 10)",
            n,
            &extra,
            &shuffled_actual,
        ));
        super::comparator::print_rows(&rows);
        println!();
    }
}

mod comparator {
    use super::*;
    use sessionconf::placeholder::Bindings;
    use sessionconf::xml::compare::compare;
    use sessionconf::xml::expected::ExpectedElement;

    pub const LINKS: &[(&str, &str)] = &[
        ("Down", "BackupServerReferenceList"),
        ("Down", "ManagedServerReferenceList"),
        ("Down", "JobReferenceList"),
        ("Down", "FailoverPlanReferenceList"),
        ("Down", "HierarchyRootReferenceList"),
        ("Down", "RepositoryReferenceList"),
        ("Down", "BackupReferenceList"),
        ("Down", "RestorePointReferenceList"),
        ("Down", "VmRestorePointReferenceList"),
        ("Down", "VAppRestorePointReferenceList"),
        ("Down", "ReplicaReferenceList"),
        ("Down", "VmReplicaPointReferenceList"),
        ("Down", "CatalogVmReferenceList"),
        ("Down", "BackupJobSessionReferenceList"),
        ("Down", "RestoreSessionReferenceList"),
        ("Down", "ReplicaJobSessionReferenceList"),
        ("Down", "BackupTaskSessionReferenceList"),
        ("Down", "ReplicaTaskSessionReferenceList"),
        ("Down", "EnterpriseSecuritySettings"),
        ("Down", "WanAcceleratorReferenceList"),
        ("Down", "TaskList"),
        ("Down", "QueryService"),
        ("Down", "LookupService"),
        ("Down", "Report"),
        ("Down", "BackupServerList"),
        ("Down", "ManagedServerList"),
        ("Create", "BackupServer"),
        ("Down", "JobList"),
        ("Down", "FailoverPlanList"),
        ("Down", "HierarchyRootList"),
        ("Down", "RepositoryList"),
        ("Down", "BackupList"),
        ("Down", "RestorePointList"),
        ("Down", "VmRestorePointList"),
        ("Down", "VAppRestorePointList"),
        ("Down", "ReplicaList"),
        ("Down", "VmReplicaPointList"),
        ("Down", "CatalogVmList"),
        ("Down", "BackupJobSessionList"),
        ("Down", "RestoreSessionList"),
        ("Down", "ReplicaJobSessionList"),
        ("Down", "BackupTaskSessionList"),
        ("Down", "ReplicaTaskSessionList"),
        ("Down", "WanAcceleratorList"),
        ("Down", "CloudConnectService"),
        ("Up", "EnterpriseManager"),
    ];

    pub fn id(i: usize) -> String {
        format!(
            "{:08x}-06f0-40e8-8331-{:012x}",
            i.wrapping_mul(2654435761) & 0xffff_ffff,
            i
        )
    }

    /// A LogonSessions document; `order` gives the sessions' order, `reverse_links` the links'.
    pub fn document(order: &[usize], reverse_links: bool, golden_marks: Option<&str>) -> String {
        document_with(order, reverse_links, golden_marks, false)
    }

    /// A golden as bless writes one: `{{origin}}` in every link and `{{uuid}}` for
    /// every session id, so sessions are told apart only by their user names.
    pub fn golden_with_placeholders(order: &[usize], golden_marks: Option<&str>) -> String {
        document_with(order, false, golden_marks, true)
    }

    fn document_with(
        order: &[usize],
        reverse_links: bool,
        golden_marks: Option<&str>,
        placeholders: bool,
    ) -> String {
        let origin = if placeholders {
            "{{origin}}"
        } else {
            "http://em01.example.com:9399"
        };
        let mut out = String::with_capacity(order.len() * 5600 + 200);
        let (root_marks, links_marks) = match golden_marks {
            Some(m) => (
                format!(" xmlns:sc=\"urn:sessionconf:golden\" {m}"),
                " sc:order=\"any\"",
            ),
            None => (String::new(), ""),
        };
        out.push_str(&format!(
            "<LogonSessions xmlns=\"http://www.veeam.com/ent/v1.0\"{root_marks}>\n"
        ));
        for &i in order {
            let id = if placeholders {
                "{{uuid}}".to_string()
            } else {
                id(i)
            };
            let href = format!("{origin}/api/logonSessions/{id}");
            out.push_str(&format!("  <LogonSession Type=\"LogonSession\" Href=\"{href}\">\n    <Links{links_marks}>\n"));
            let mut links: Vec<String> = LINKS
                .iter()
                .map(|(rel, t)| {
                    format!(
                        "      <Link Rel=\"{rel}\" Type=\"{t}\" Href=\"{origin}/api/{}\" />\n",
                        t.to_lowercase()
                    )
                })
                .collect();
            links.push(format!(
                "      <Link Rel=\"Delete\" Type=\"LogonSession\" Href=\"{href}\" />\n"
            ));
            if reverse_links {
                links.reverse();
            }
            links.iter().for_each(|l| out.push_str(l));
            out.push_str(&format!("    </Links>\n    <UserName>EM01\\user{i}</UserName>\n    <SessionId>{id}</SessionId>\n  </LogonSession>\n"));
        }
        out.push_str("</LogonSessions>\n");
        out
    }

    /// A deterministic shuffle.
    pub fn shuffled(n: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        let mut state = 0x2545F4914F6CDD1Du64;
        for i in (1..n).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            v.swap(i, (state % (i as u64 + 1)) as usize);
        }
        v
    }

    pub struct Measured {
        pub mode: &'static str,
        pub sessions: usize,
        pub doc_mb: f64,
        pub seconds: f64,
        pub peak_ratio: f64,
    }

    /// Each figure is the median of this many runs: the first run in a process
    /// also pays for the kernel handing it fresh pages.
    const RUNS: usize = 3;

    fn median(mut times: Vec<f64>) -> f64 {
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    }

    /// Runs `once` (which times itself) `RUNS` times over the response `actual`:
    /// the median time, and the most heap held at once plus the response text.
    pub fn measured(
        mode: &'static str,
        sessions: usize,
        actual: &str,
        mut once: impl FnMut() -> Duration,
    ) -> Measured {
        let mut times = Vec::new();
        let mut held = 0;
        for _ in 0..RUNS {
            let base = reset_peak();
            times.push(once().as_secs_f64());
            held = held.max(peak() - base + actual.len());
        }
        Measured {
            mode,
            sessions,
            doc_mb: actual.len() as f64 / MB,
            seconds: median(times),
            peak_ratio: held as f64 / actual.len() as f64,
        }
    }

    /// Parses `actual` and compares it with the compiled `golden`; the document text
    /// and the golden are in memory throughout, as in a run.
    pub fn measure(mode: &'static str, sessions: usize, golden: &str, actual: &str) -> Measured {
        let expected = ExpectedElement::compile(golden).expect("the golden compiles");
        measured(mode, sessions, actual, || {
            let started = Instant::now();
            let doc = sessionconf::xml::parse(actual).expect("the document parses");
            let comparison = compare(&expected, doc.root_element(), &Bindings::default());
            let elapsed = started.elapsed();
            assert!(
                comparison.is_match(),
                "{mode}: {:?}",
                comparison.differences.first()
            );
            elapsed
        })
    }

    /// Parsing alone, with the tree parser responses go through or with roxmltree.
    fn measure_parse(
        mode: &'static str,
        sessions: usize,
        actual: &str,
        roxmltree: bool,
    ) -> Measured {
        measured(mode, sessions, actual, || {
            let started = Instant::now();
            if roxmltree {
                let doc = roxmltree::Document::parse(actual).expect("the document parses");
                std::hint::black_box(&doc);
            } else {
                let doc = sessionconf::xml::parse(actual).expect("the document parses");
                std::hint::black_box(&doc);
            }
            started.elapsed()
        })
    }

    /// The floor under any parser built on quick-xml: its events, and every
    /// attribute of every start tag, read and dropped.
    fn measure_floor(sessions: usize, actual: &str) -> Measured {
        use quick_xml::events::Event;
        measured(
            "quick-xml events and attributes, nothing kept (the floor)",
            sessions,
            actual,
            || {
                let started = Instant::now();
                let mut reader = quick_xml::Reader::from_str(actual);
                let mut attributes = 0usize;
                loop {
                    match reader.read_event().expect("the document parses") {
                        Event::Start(e) | Event::Empty(e) => {
                            for a in e.attributes() {
                                attributes += a.expect("an attribute").value.len();
                            }
                        }
                        Event::Eof => break,
                        _ => {}
                    }
                }
                std::hint::black_box(attributes);
                started.elapsed()
            },
        )
    }

    /// A 10,000-session response with one user name changed, against an unordered
    /// golden: comparison, the normalized document and the report with its diff.
    pub fn mismatch_report() -> Measured {
        let n = 10_000;
        let ordered: Vec<usize> = (0..n).collect();
        let golden = golden_with_placeholders(&ordered, Some("sc:order=\"any\""));
        let actual =
            document(&shuffled(n), true, None).replacen("EM01\\user42<", "EM01\\someone<", 1);
        let expected = ExpectedElement::compile(&golden).expect("the golden compiles");
        let base = reset_peak();
        let started = Instant::now();
        let doc = sessionconf::xml::parse(&actual).expect("the document parses");
        let golden = sessionconf::golden::Golden::Xml(expected, Vec::new());
        let report = golden
            .judge(
                "golden.xml",
                &sessionconf::golden::Body::Xml(&doc),
                &Bindings::default(),
                None,
                Default::default(),
            )
            .expect("an XML golden judges an XML body");
        let seconds = started.elapsed().as_secs_f64();
        let held = peak() - base + actual.len();
        assert_eq!(report.differences.len(), 1, "{:?}", report.differences);
        assert!(report.diff.len() < 2000, "the diff shows the one session");
        Measured {
            mode: "one session differs: comparison, normalized document, report with diff",
            sessions: n,
            doc_mb: actual.len() as f64 / MB,
            seconds,
            peak_ratio: held as f64 / actual.len() as f64,
        }
    }

    /// The rows of a comparator table.
    pub fn print_rows(rows: &[Measured]) {
        for r in rows {
            println!(
                "| {} | {} | {:.1} MB | {:.3} s | {:.0} | {:.2} |",
                r.mode,
                r.sessions,
                r.doc_mb,
                r.seconds,
                r.doc_mb / r.seconds,
                r.peak_ratio
            );
        }
    }

    pub fn run() {
        println!("## Comparator\n");
        println!("Median of {RUNS} runs each: parse the response, then compare it with the compiled golden.\n");
        println!("| mode | sessions | document | time | MB/s | peak heap / document |");
        println!("| --- | ---: | ---: | ---: | ---: | ---: |");
        let n = 10_000;
        let ordered: Vec<usize> = (0..n).collect();
        let actual = document(&ordered, false, None);
        let mut rows = vec![
            measure_parse(
                "parse only (the tree responses are read into)",
                n,
                &actual,
                false,
            ),
            measure_parse("parse only (roxmltree, for reference)", n, &actual, true),
            measure_floor(n, &actual),
            measure("full (ordered, literal golden)", n, &actual, &actual),
        ];
        let ordered_placeholders = golden_with_placeholders(&ordered, None);
        rows.push(measure(
            "full (ordered, `{{origin}}` and `{{uuid}}` in the golden)",
            n,
            &ordered_placeholders,
            &actual,
        ));
        drop(ordered_placeholders);
        let shuffled_actual = document(&shuffled(n), true, None);
        let unordered_golden = document(&ordered, false, Some("sc:order=\"any\""));
        rows.push(measure(
            "unordered (literal golden)",
            n,
            &unordered_golden,
            &shuffled_actual,
        ));
        drop(unordered_golden);
        let unordered_placeholders = golden_with_placeholders(&ordered, Some("sc:order=\"any\""));
        rows.push(measure(
            "unordered (`{{origin}}` and `{{uuid}}` in the golden)",
            n,
            &unordered_placeholders,
            &shuffled_actual,
        ));
        drop(unordered_placeholders);
        let tenth: Vec<usize> = (0..n).step_by(10).collect();
        let extra_golden = document(
            &tenth,
            false,
            Some("sc:order=\"any\" sc:extra=\"children\""),
        );
        rows.push(measure(
            "extra allowed (golden holds 1 in 10)",
            n,
            &extra_golden,
            &shuffled_actual,
        ));
        drop(actual);
        drop(shuffled_actual);
        rows.push(mismatch_report());
        print_rows(&rows);
        // A run compiles every golden when it loads; a golden this large is rare.
        let golden = golden_with_placeholders(&ordered, Some("sc:order=\"any\""));
        let base = reset_peak();
        let started = Instant::now();
        let compiled = ExpectedElement::compile(&golden).expect("the golden compiles");
        let seconds = started.elapsed().as_secs_f64();
        let held = peak() - base;
        drop(compiled);
        println!(
            "\nCompiling that unordered golden with placeholders ({:.1} MB, done once when a run loads): {seconds:.3} s, peak heap {:.1}x its size.",
            golden.len() as f64 / MB,
            held as f64 / golden.len() as f64
        );
        drop(golden);
        println!("\nUnordered matching as the number of sibling sessions grows:\n");
        println!("| golden | sessions | document | time | time per session | MB/s |");
        println!("| --- | ---: | ---: | ---: | ---: | ---: |");
        for placeholders in [false, true] {
            for n in [1_000, 10_000, 50_000] {
                let ordered: Vec<usize> = (0..n).collect();
                let golden = if placeholders {
                    golden_with_placeholders(&ordered, Some("sc:order=\"any\""))
                } else {
                    document(&ordered, false, Some("sc:order=\"any\""))
                };
                let actual = document(&shuffled(n), true, None);
                let r = measure("unordered", n, &golden, &actual);
                println!(
                    "| {} | {} | {:.1} MB | {:.3} s | {:.1} µs | {:.0} |",
                    if placeholders {
                        "placeholders"
                    } else {
                        "literal"
                    },
                    n,
                    r.doc_mb,
                    r.seconds,
                    r.seconds * 1e6 / n as f64,
                    r.doc_mb / r.seconds
                );
            }
        }
        println!();
    }
}

mod flows {
    use super::*;
    use std::path::Path;
    use std::sync::Arc;

    use sessionconf::credentials::Credentials;
    use sessionconf::run::{run_scenario, RunOptions};
    use sessionconf::scenario::{load_suite, LoadedScenario, SuiteSource};
    use sessionconf::server::{start, Dialect, ServerOptions};

    const FLOWS: usize = 1000;

    fn per_flow_ms(d: Duration, n: usize) -> f64 {
        d.as_secs_f64() * 1000.0 / n as f64
    }

    /// The session token a logon answers with.
    fn token_of(headers: &reqwest::header::HeaderMap) -> String {
        headers["X-RestSvcSessionId"].to_str().unwrap().to_string()
    }

    /// The session id in a LogonSession, read without a parser.
    fn session_id_of(body: &str) -> String {
        body.split("<SessionId>")
            .nth(1)
            .and_then(|t| t.split('<').next())
            .unwrap()
            .to_string()
    }

    /// The same three requests with no checking at all.
    fn bare(base: &str, credentials: &Credentials, n: usize) -> Duration {
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let started = Instant::now();
        for _ in 0..n {
            let r = http
                .post(format!("{base}sessionMngr/?v=latest"))
                .basic_auth(&credentials.user, Some(&credentials.password))
                .send()
                .unwrap();
            let token = token_of(r.headers());
            let id = session_id_of(&r.text().unwrap());
            http.get(format!("{base}logonSessions"))
                .header("X-RestSvcSessionId", &token)
                .send()
                .unwrap()
                .bytes()
                .unwrap();
            http.delete(format!("{base}logonSessions/{id}"))
                .header("X-RestSvcSessionId", &token)
                .send()
                .unwrap()
                .bytes()
                .unwrap();
        }
        started.elapsed()
    }

    /// The same three requests, checking nothing, with the async client driven
    /// on the calling thread (as a run drives it): the floor of sessionconf's
    /// own client, where the blocking client above hands each request to a
    /// thread of its own.
    fn bare_async(base: &str, credentials: &Credentials, n: usize) -> Duration {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        runtime.block_on(async {
            let started = Instant::now();
            for _ in 0..n {
                let r = http
                    .post(format!("{base}sessionMngr/?v=latest"))
                    .basic_auth(&credentials.user, Some(&credentials.password))
                    .send()
                    .await
                    .unwrap();
                let token = token_of(r.headers());
                let id = session_id_of(&r.text().await.unwrap());
                read_with(http.get(format!("{base}logonSessions")), &token).await;
                read_with(http.delete(format!("{base}logonSessions/{id}")), &token).await;
            }
            started.elapsed()
        })
    }

    /// Sends `request` with the session's token and reads the whole answer.
    async fn read_with(request: reqwest::RequestBuilder, token: &str) {
        let answer = request.header("X-RestSvcSessionId", token).send().await;
        answer.unwrap().bytes().await.unwrap();
    }

    fn tavern(base: &str, credentials: &Credentials, n: usize) -> Option<Duration> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/tavern");
        let python = root.join("venv/bin/python");
        if !python.exists() {
            println!("(Tavern not measured: run benches/tavern/setup.sh first)\n");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let vals: Vec<String> = (0..n).map(|i| i.to_string()).collect();
        let test = std::fs::read_to_string(root.join("flow.tavern.yaml.in"))
            .unwrap()
            .replace("@ITERATIONS@", &format!("[{}]", vals.join(", ")))
            .replace("@BASE@", base)
            .replace("@USER@", &credentials.user)
            .replace("@PASSWORD@", &credentials.password);
        std::fs::write(dir.path().join("test_flow.tavern.yaml"), test).unwrap();
        let started = Instant::now();
        let status = std::process::Command::new(&python)
            .args([
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "test_flow.tavern.yaml",
            ])
            .current_dir(dir.path())
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        let elapsed = started.elapsed();
        assert!(status.success(), "the Tavern flow failed");
        Some(elapsed)
    }

    /// Not a figure: the sessionconf side of the flow alone, for a profiler.
    /// An embedded Enterprise Manager server and the shipped scenario the flow runs.
    fn server_and_flow() -> (sessionconf::server::RunningServer, LoadedScenario) {
        let server = start(
            Dialect::VeeamEm,
            ServerOptions::new(Dialect::VeeamEm),
            ([127, 0, 0, 1], 0).into(),
        )
        .unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let source = SuiteSource {
            scenarios_dir: root.join("scenarios"),
            golden_dir: root.join("golden"),
            dialects: vec!["veeam-em".into()],
            allow_missing_goldens: false,
            variables: Vec::new(),
        };
        let scenario = load_suite(&source)
            .unwrap()
            .into_iter()
            .find(|s| s.id == "veeam-em::list-sessions[format=xml]")
            .unwrap();
        (server, scenario)
    }

    pub fn profile() {
        let (server, scenario) = server_and_flow();
        let options = Arc::new(RunOptions::new(server.base_url().parse().unwrap()));
        let started = Instant::now();
        for _ in 0..FLOWS * 2 {
            assert!(run_scenario(&scenario, &options).passed());
        }
        println!(
            "sessionconf: {:.3} ms per flow",
            per_flow_ms(started.elapsed(), FLOWS * 2)
        );
    }

    pub fn run() {
        let (server, scenario) = server_and_flow();
        let base = server.base_url();
        let options = Arc::new(RunOptions::new(base.parse().unwrap()));
        let credentials = Credentials::from_env();
        // Warm up both paths and the server.
        for _ in 0..20 {
            assert!(run_scenario(&scenario, &options).passed());
        }
        bare(&base, &credentials, 20);
        bare_async(&base, &credentials, 20);
        // Interleave them, so a noisy neighbour hurts all alike.
        let (mut ours, mut theirs, mut floor) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
        for _ in 0..4 {
            let started = Instant::now();
            for _ in 0..FLOWS / 4 {
                let outcome = run_scenario(&scenario, &options);
                assert!(outcome.passed());
            }
            ours += started.elapsed();
            theirs += bare(&base, &credentials, FLOWS / 4);
            floor += bare_async(&base, &credentials, FLOWS / 4);
        }
        println!("## The logon, list, logout flow ({FLOWS} times, against the embedded Enterprise Manager server)\n");
        println!("| client | per flow | ratio to the bare loop |");
        println!("| --- | ---: | ---: |");
        println!(
            "| bare reqwest loop, no checks | {:.3} ms | 1.00 |",
            per_flow_ms(theirs, FLOWS)
        );
        println!(
            "| bare reqwest loop, no checks, async on the calling thread | {:.3} ms | {:.2} |",
            per_flow_ms(floor, FLOWS),
            floor.as_secs_f64() / theirs.as_secs_f64()
        );
        println!(
            "| sessionconf (status, headers, captures, golden of 47 links, link following, the session check) | {:.3} ms | {:.2} |",
            per_flow_ms(ours, FLOWS),
            ours.as_secs_f64() / theirs.as_secs_f64()
        );
        let n = 200;
        if let Some(t) = tavern(&base, &credentials, n) {
            println!(
                "| Tavern 3.7.1 (status codes only), {n} flows in one pytest run | {:.3} ms | {:.2} |",
                per_flow_ms(t, n),
                per_flow_ms(t, n) / per_flow_ms(theirs, FLOWS)
            );
        }
        assert_eq!(server.open_sessions(), 0);
        println!();
    }
}

mod load {
    use std::path::Path;
    use std::sync::Arc;

    use sessionconf::run::load_test::run_load;
    use sessionconf::run::RunOptions;
    use sessionconf::scenario::{load_suite, SuiteSource};
    use sessionconf::server::{start, Dialect, ServerOptions};

    /// `sessionconf load` at sizes too big for a test, against the embedded servers.
    pub fn run() {
        println!("## Load (`sessionconf load`, embedded servers)\n");
        println!("| scenario | flows | concurrent | flows/s | slowest step p50 | its p99 | failed | sessions left |");
        println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for (dialect, id) in [
            (Dialect::VeeamEm, "veeam-em::list-sessions[format=xml]"),
            (
                Dialect::Commvault,
                "commvault::sessions[account=administrator,format=xml]",
            ),
        ] {
            let source = SuiteSource {
                scenarios_dir: root.join("scenarios"),
                golden_dir: root.join("golden"),
                dialects: vec![dialect.name().into()],
                allow_missing_goldens: false,
                variables: Vec::new(),
            };
            let scenario = load_suite(&source)
                .unwrap()
                .into_iter()
                .find(|s| s.id == id)
                .unwrap();
            for concurrency in [1, 16, 64] {
                let server = start(
                    dialect,
                    ServerOptions::new(dialect),
                    ([127, 0, 0, 1], 0).into(),
                )
                .unwrap();
                let options = Arc::new(RunOptions::new(server.base_url().parse().unwrap()));
                let open = || server.open_sessions();
                let report = run_load(&scenario, &options, concurrency, 2000, Some(&open));
                let slowest = report
                    .steps
                    .iter()
                    .max_by(|a, b| a.p50_ms.total_cmp(&b.p50_ms))
                    .unwrap();
                println!(
                    "| {id} | {} | {concurrency} | {:.0} | {:.2} ms ({}) | {:.2} ms | {} | {} |",
                    report.flows,
                    report.flows_per_second,
                    slowest.p50_ms,
                    slowest.step,
                    slowest.p99_ms,
                    report.failed_flows,
                    report.sessions_left_open.unwrap_or(0)
                );
            }
        }
        println!();
    }
}

mod suite {
    use super::*;

    /// The whole shipped suite against the embedded servers, from process start to exit.
    pub fn run() {
        let bin = env!("CARGO_BIN_EXE_sessionconf");
        let mut times = Vec::new();
        for _ in 0..7 {
            let started = Instant::now();
            let status = std::process::Command::new(bin)
                .arg("run")
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .unwrap();
            times.push(started.elapsed().as_secs_f64());
            assert!(status.success(), "the suite failed");
        }
        times.sort_by(f64::total_cmp);
        println!(
            "## The shipped suite (`sessionconf run`, both dialects, process start to exit)\n"
        );
        println!("| runs | fastest | median | slowest |");
        println!("| ---: | ---: | ---: | ---: |");
        println!(
            "| {} | {:.3} s | {:.3} s | {:.3} s |\n",
            times.len(),
            times[0],
            times[times.len() / 2],
            times[times.len() - 1]
        );
    }
}

mod hostile {
    //! Shapes a hostile (or broken) server can send, judged with the report and
    //! diff a run prints: each must cost time linear in the document.

    use super::*;
    use sessionconf::golden::Golden;
    use sessionconf::placeholder::Bindings;
    use sessionconf::xml::Encoding;

    fn golden(text: &str) -> Golden {
        Golden::compile(std::path::Path::new("g.xml"), text).expect("the golden compiles")
    }

    /// Seconds to judge `actual` against `golden`, report and diff included.
    fn judged(golden: &Golden, actual: &str, bindings: &Bindings) -> (f64, String) {
        let started = Instant::now();
        let verdict = golden
            .judge_text("g.xml", actual, Encoding::Utf8, bindings)
            .expect("the document parses");
        (started.elapsed().as_secs_f64(), verdict.summary)
    }

    pub fn run() {
        println!("## Hostile shapes (judged with the report and diff a run prints)\n");
        println!("| shape | size | document | time | MB/s | verdict |");
        println!("| --- | ---: | ---: | ---: | ---: | --- |");
        let logon = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("golden/veeam-em/logon-session.xml"),
        )
        .unwrap();
        let shipped = golden(&logon);
        let mut bindings = Bindings::default();
        bindings.bind("session_id", "1");
        bindings.bind("user", "b");
        for n in [20_000usize, 160_000, 640_000] {
            let rows = |name: &str, actual: String, g: &Golden, b: &Bindings| {
                let (t, summary) = judged(g, &actual, b);
                let mb = actual.len() as f64 / MB;
                let verdict: String = summary.chars().take(60).collect();
                println!(
                    "| {name} | {n} | {mb:.1} MB | {t:.3} s | {:.0} | {verdict} |",
                    mb / t
                );
            };
            let unexpected: String = (0..n).map(|i| format!("<X n=\"{i}\"/>")).collect();
            rows(
                "LogonSession with unexpected children (shipped golden)",
                format!("<LogonSession xmlns=\"http://www.veeam.com/ent/v1.0\">{unexpected}</LogonSession>"),
                &shipped,
                &bindings,
            );
            let ordered_golden: String = (0..n).map(|i| format!("<S n=\"{i}\"/>")).collect();
            let differing: String = (0..n).map(|i| format!("<S n=\"x{i}\"/>")).collect();
            rows(
                "every child differs (ordered golden of as many)",
                format!("<L>{differing}</L>"),
                &golden(&format!("<L>{ordered_golden}</L>")),
                &Bindings::default(),
            );
            let declarations: String = (0..n).map(|i| format!(" xmlns:p{i}=\"urn:{i}\"")).collect();
            let inner = "<a/>".repeat(n / 10);
            rows(
                "namespace declarations on the root, then elements",
                format!("<L{declarations}>{inner}</L>"),
                &golden("<L xmlns:sc=\"urn:sessionconf:golden\" sc:extra=\"children\"/>"),
                &Bindings::default(),
            );
            let own: String = (0..n / 10)
                .map(|i| format!("<p{i}:a xmlns:p{i}=\"urn:{i}\"/>"))
                .collect();
            rows(
                "a namespace of its own for each element (all printed in the diff)",
                format!("<L>{own}</L>"),
                &golden("<L/>"),
                &Bindings::default(),
            );
            let value = "x".repeat(n * 10) + "y";
            rows(
                "`{{any}}x{{any}}y{{any}}z` against a long value",
                format!("<V>{value}</V>"),
                &golden("<V>{{any}}x{{any}}y{{any}}z</V>"),
                &Bindings::default(),
            );
        }
        println!();
    }
}

mod startup {
    //! Whole processes, side by side: how long a user waits for one flow, and
    //! for a hundred in one process, from process start to exit; Hurl on the
    //! same flow and server when it is installed.

    use super::*;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};

    use sessionconf::credentials::Credentials;
    use sessionconf::server::{start, Dialect, RunningServer, ServerOptions, TlsFiles};

    const RUNS: usize = 11;

    fn server(tls: Option<TlsFiles>) -> RunningServer {
        let mut options = ServerOptions::new(Dialect::VeeamEm);
        options.tls = tls;
        start(Dialect::VeeamEm, options, ([127, 0, 0, 1], 0).into()).unwrap()
    }

    /// A self-signed certificate for 127.0.0.1, as (certificate, key) PEM.
    fn certificate() -> (String, String) {
        let params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        (cert.pem(), key.serialize_pem())
    }

    fn hurl() -> Option<PathBuf> {
        let found = Command::new("hurl")
            .arg("--version")
            .stdout(Stdio::piped())
            .output()
            .ok()
            .filter(|o| o.status.success())?;
        let version = String::from_utf8_lossy(&found.stdout);
        println!("(Hurl: {})\n", version.lines().next().unwrap_or("?"));
        Some(PathBuf::from("hurl"))
    }

    /// A command's time from start to exit; it must succeed.
    pub(super) fn timed(cmd: &mut Command) -> f64 {
        let started = Instant::now();
        let out = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let elapsed = started.elapsed().as_secs_f64();
        assert!(
            out.status.success(),
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        elapsed
    }

    fn refs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }

    fn median(mut times: Vec<f64>) -> f64 {
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    }

    struct Row {
        label: String,
        make: Box<dyn Fn() -> Command>,
        times: Vec<f64>,
    }

    fn sessionconf(args: &[&str], credentials: &Credentials) -> Box<dyn Fn() -> Command> {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let (user, password) = (credentials.user.clone(), credentials.password.clone());
        Box::new(move || {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_sessionconf"));
            cmd.args(&args)
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .env("SESSIONCONF_USER", &user)
                .env("SESSIONCONF_PASSWORD", &password)
                .env("NO_COLOR", "1");
            cmd
        })
    }

    fn hurl_flow(
        hurl: &Path,
        base: &str,
        credentials: &Credentials,
        repeat: usize,
    ) -> Box<dyn Fn() -> Command> {
        let (hurl, base) = (hurl.to_path_buf(), base.to_string());
        let (user, password) = (credentials.user.clone(), credentials.password.clone());
        let flow = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/hurl/flow.hurl");
        Box::new(move || {
            let mut cmd = Command::new(&hurl);
            cmd.arg("--test")
                .args(["--variable", &format!("base={base}")])
                .args(["--variable", &format!("user={user}")])
                .args(["--variable", &format!("password={password}")])
                .args(["--repeat", &repeat.to_string()])
                .arg(&flow);
            cmd
        })
    }

    fn measure_and_print(rows: &mut [Row]) {
        // Warm the page cache, then interleave the rows so noise hurts all alike.
        for row in rows.iter() {
            timed(&mut (row.make)());
        }
        for _ in 0..RUNS {
            for row in rows.iter_mut() {
                let t = timed(&mut (row.make)());
                row.times.push(t);
            }
        }
        println!("## Start-up and whole processes (median of {RUNS}, process start to exit, interleaved)\n");
        println!("| process | median | fastest | slowest |");
        println!("| --- | ---: | ---: | ---: |");
        let mut medians = Vec::new();
        for row in rows.iter() {
            let (lo, hi) = (
                row.times.iter().copied().fold(f64::MAX, f64::min),
                row.times.iter().copied().fold(0.0, f64::max),
            );
            let m = median(row.times.clone());
            medians.push(m);
            println!(
                "| {} | {:.1} ms | {:.1} ms | {:.1} ms |",
                row.label,
                m * 1e3,
                lo * 1e3,
                hi * 1e3
            );
        }
        if medians.len() == 7 {
            println!("\n| against Hurl, same flow and server | sessionconf / Hurl |");
            println!("| --- | ---: |");
            println!("| one flow per process | {:.2} |", medians[2] / medians[5]);
            println!(
                "| 100 flows in one process | {:.2} |",
                medians[4] / medians[6]
            );
        }
    }

    pub fn run() {
        let credentials = Credentials::from_env();
        let plain = server(None);
        let (cert, key) = certificate();
        let secure = server(Some(TlsFiles {
            cert_pem: cert.clone().into_bytes(),
            key_pem: key.into_bytes(),
            client_ca_pem: None,
        }));
        let dir = tempfile::tempdir().unwrap();
        let cacert = dir.path().join("server.pem");
        std::fs::write(&cacert, cert).unwrap();
        let (base, tls_base) = (plain.base_url(), secure.base_url());
        let flow = |endpoint: &str, extra: &[&str]| -> Vec<String> {
            let mut args = vec!["run", "--endpoint", endpoint, "--dialect", "veeam-em"];
            args.extend(extra);
            args.extend(["--", "--exact", "veeam-em::list-sessions[format=xml]"]);
            args.into_iter().map(str::to_string).collect()
        };
        let http_flow = flow(&base, &[]);
        let tls_flow = flow(&tls_base, &["--cacert", cacert.to_str().unwrap()]);
        let load = [
            "load",
            "--scenario",
            "veeam-em::list-sessions[format=xml]",
            "--iterations",
            "100",
            "--concurrency",
            "1",
            "--endpoint",
            &base,
        ];
        let mut rows = vec![
            Row { label: "`sessionconf --version` (the floor: start and exit)".into(), make: sessionconf(&["--version"], &credentials), times: vec![] },
            Row { label: "`sessionconf run --list` (load and compile the suite, send nothing)".into(), make: sessionconf(&["run", "--list"], &credentials), times: vec![] },
            Row { label: "one flow: `sessionconf run --endpoint http://...` (the probe reads the version, then logon, list, logout, session check)".into(), make: sessionconf(&refs(&http_flow), &credentials), times: vec![] },
            Row { label: "one flow over HTTPS with `--cacert` (TLS configuration built once)".into(), make: sessionconf(&refs(&tls_flow), &credentials), times: vec![] },
            Row { label: "100 flows in one process: `sessionconf load --iterations 100 --concurrency 1`".into(), make: sessionconf(&load, &credentials), times: vec![] },
        ];
        if let Some(hurl) = hurl() {
            rows.push(Row {
                label: "one flow: `hurl --test` (status codes and captures only)".into(),
                make: hurl_flow(&hurl, &base, &credentials, 1),
                times: vec![],
            });
            rows.push(Row {
                label: "100 flows in one process: `hurl --test --repeat 100`".into(),
                make: hurl_flow(&hurl, &base, &credentials, 100),
                times: vec![],
            });
        } else {
            println!(
                "(Hurl not measured: it is not on PATH; see BENCHMARKS.md for how to install it)\n"
            );
        }
        measure_and_print(&mut rows);
        assert_eq!(plain.open_sessions(), 0);
        assert_eq!(secure.open_sessions(), 0);
        println!();
    }
}

mod latency {
    //! The Enterprise Manager suite against a server that answers every
    //! request 100 ms late, as real servers across a network do: the default
    //! run beside each `--jobs`, with the most sessions the server saw open
    //! at once (the budget is 8 by default).

    use super::*;
    use std::process::Command;

    use sessionconf::credentials::Credentials;
    use sessionconf::server::{start, Dialect, ServerOptions};

    const RUNS: usize = 3;

    /// One run's wall time against a fresh slow server, and the server's peak of open sessions.
    fn once(extra: &[&str]) -> (f64, usize) {
        let mut options = ServerOptions::new(Dialect::VeeamEm);
        options.delay = Some(Duration::from_millis(100));
        let server = start(Dialect::VeeamEm, options, ([127, 0, 0, 1], 0).into()).unwrap();
        let c = Credentials::from_env();
        let base = server.base_url();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sessionconf"));
        cmd.args(["run", "--dialect", "veeam-em", "--endpoint", &base])
            .args(extra)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("SESSIONCONF_USER", &c.user)
            .env("SESSIONCONF_PASSWORD", &c.password)
            .env("SESSIONCONF_TENANT_USER", &c.tenant_user)
            .env("SESSIONCONF_TENANT_PASSWORD", &c.tenant_password)
            .env("NO_COLOR", "1");
        let elapsed = super::startup::timed(&mut cmd);
        assert_eq!(server.open_sessions(), 0);
        (elapsed, server.peak_sessions())
    }

    pub fn run() {
        let settings: [(&str, &[&str]); 6] = [
            ("default (session budget 8)", &[]),
            ("`--jobs 1`", &["--jobs", "1"]),
            ("`--jobs 2` (the cores: the old default)", &["--jobs", "2"]),
            ("`--jobs 8`", &["--jobs", "8"]),
            ("`--jobs 16`", &["--jobs", "16"]),
            ("`--jobs 32`", &["--jobs", "32"]),
        ];
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); settings.len()];
        let mut peaks = vec![0usize; settings.len()];
        // Interleaved, so that noise hurts every setting alike.
        for _ in 0..RUNS {
            for (i, (_, extra)) in settings.iter().enumerate() {
                let (t, peak) = once(extra);
                times[i].push(t);
                peaks[i] = peaks[i].max(peak);
            }
        }
        let medians: Vec<f64> = times
            .iter()
            .map(|t| {
                let mut t = t.clone();
                t.sort_by(f64::total_cmp);
                t[t.len() / 2]
            })
            .collect();
        let fastest = medians[1..].iter().copied().fold(f64::MAX, f64::min);
        println!("## Against a server answering 100 ms late (Enterprise Manager suite, median of {RUNS}, interleaved)\n");
        println!("| run | median | / fastest `--jobs` | most sessions open at once |");
        println!("| --- | ---: | ---: | ---: |");
        for (i, (label, _)) in settings.iter().enumerate() {
            println!(
                "| {label} | {:.2} s | {:.2}x | {} |",
                medians[i],
                medians[i] / fastest,
                peaks[i]
            );
        }
        println!();
    }
}

/// What a compiled golden holds, and what `diff` peaks at, against the text.
mod memory {
    use super::*;
    use comparator::{document, golden_with_placeholders, shuffled};
    use sessionconf::golden::Golden;
    use sessionconf::placeholder::Bindings;
    use sessionconf::xml::Encoding;

    fn compile_row(label: &str, golden: &str) {
        let base = reset_peak();
        let started = Instant::now();
        let compiled = Golden::compile(std::path::Path::new("g.xml"), golden).expect("compiles");
        let seconds = started.elapsed().as_secs_f64();
        let held = super::CURRENT.load(Ordering::Relaxed) - base;
        let peak = peak() - base;
        drop(compiled);
        let len = golden.len() as f64;
        println!(
            "| compile: {label} | {:.1} MB | {seconds:.3} s | {:.2} | {:.2} |",
            len / MB,
            peak as f64 / len,
            held as f64 / len
        );
    }

    /// `diff`'s work in this process: read both, compile, parse, compare, report.
    fn diff_row(label: &str, golden: &str, actual: &str) {
        let dir = std::env::temp_dir().join(format!("sessionconf-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (g, a) = (dir.join("golden.xml"), dir.join("actual.xml"));
        std::fs::write(&g, golden).unwrap();
        std::fs::write(&a, actual).unwrap();
        let both = (golden.len() + actual.len()) as f64;
        let base = reset_peak();
        let started = Instant::now();
        let compiled = Golden::load(&g).expect("compiles");
        let bytes = std::fs::read(&a).unwrap();
        let text = std::str::from_utf8(&bytes).unwrap();
        let verdict = compiled
            .judge_text("golden.xml", text, Encoding::Utf8, &Bindings::default())
            .expect("parses");
        let shown = sessionconf::report::console::render_mismatch(&verdict, false);
        let seconds = started.elapsed().as_secs_f64();
        let peak = peak() - base;
        assert!(!verdict.is_match() && !shown.is_empty());
        drop((compiled, bytes, verdict, shown));
        let rss = process_rss(&g, &a);
        std::fs::remove_dir_all(&dir).ok();
        println!(
            "| diff: {label} | {:.1} MB | {seconds:.3} s | {:.2} | {} |",
            both / MB,
            peak as f64 / both,
            rss.map_or("-".into(), |r| format!(
                "{:.2} (process, max RSS)",
                r / both
            ))
        );
    }

    /// `sessionconf diff` as a process: its maximum resident set, in bytes.
    fn process_rss(golden: &std::path::Path, actual: &std::path::Path) -> Option<f64> {
        let out = std::env::temp_dir().join(format!("sessionconf-rss-{}", std::process::id()));
        let status = std::process::Command::new("/usr/bin/time")
            .args(["-f", "%M", "-o"])
            .arg(&out)
            .arg(env!("CARGO_BIN_EXE_sessionconf"))
            .arg("diff")
            .args([golden, actual])
            .stdout(std::process::Stdio::null())
            .status()
            .ok()?;
        assert_eq!(status.code(), Some(1), "the pair differs");
        // GNU time says first that the command exited with 1.
        let report = std::fs::read_to_string(&out).ok()?;
        let kib: f64 = report.lines().last()?.trim().parse().ok()?;
        std::fs::remove_file(&out).ok();
        Some(kib * 1024.0)
    }

    pub fn run() {
        println!("## Memory (10,000 sessions; heap counted in this process)\n");
        println!("| work | text | time | peak heap / text | held / text |");
        println!("| --- | ---: | ---: | ---: | ---: |");
        let n = 10_000;
        let ordered: Vec<usize> = (0..n).collect();
        let literal = document(&ordered, false, None);
        compile_row("ordered, literal golden", &literal);
        let unordered = golden_with_placeholders(&ordered, Some("sc:order=\"any\""));
        compile_row("unordered, placeholders", &unordered);
        let actual =
            document(&shuffled(n), true, None).replacen("EM01\\user42<", "EM01\\someone<", 1);
        diff_row("unordered golden, one session differs", &unordered, &actual);
        let changed = literal.replacen("EM01\\user42<", "EM01\\someone<", 1);
        diff_row(
            "ordered literal golden, one session differs",
            &literal,
            &changed,
        );
        println!();
    }
}

fn main() {
    let groups: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wanted =
        |g: &str| (groups.is_empty() && !g.starts_with("profile")) || groups.iter().any(|x| x == g);
    println!(
        "sessionconf benchmarks ({} cores)\n",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    if wanted("comparator") {
        comparator::run();
    }
    if wanted("json") {
        json_comparator::run();
    }
    if wanted("suite") {
        suite::run();
    }
    if wanted("overhead") {
        flows::run();
    }
    if wanted("load") {
        load::run();
    }
    if wanted("hostile") {
        hostile::run();
    }
    if wanted("startup") {
        startup::run();
    }
    if wanted("memory") {
        memory::run();
    }
    if wanted("latency") {
        latency::run();
    }
    if wanted("profile-parse") {
        // Not a figure: a workload to run under a profiler.
        let ordered: Vec<usize> = (0..10_000).collect();
        let actual = comparator::document(&ordered, false, None);
        let started = Instant::now();
        for _ in 0..5 {
            let doc = sessionconf::xml::parse(&actual).unwrap();
            assert!(doc.root_element().has_children());
        }
        println!(
            "parse only: {:.1} ms per run",
            started.elapsed().as_secs_f64() * 200.0
        );
    }
    if wanted("profile-flow") {
        flows::profile();
    }
    for (group, unordered) in [("profile-unordered", true), ("profile-ordered", false)] {
        if wanted(group) {
            profile_compare(unordered);
        }
    }
}

/// Not a figure: comparison alone, repeated, for a profiler.
fn profile_compare(unordered: bool) {
    let n = 2_000;
    let ordered: Vec<usize> = (0..n).collect();
    let (golden, actual) = if unordered {
        (
            comparator::document(&ordered, false, Some("sc:order=\"any\"")),
            comparator::document(&comparator::shuffled(n), true, None),
        )
    } else {
        (
            comparator::golden_with_placeholders(&ordered, None),
            comparator::document(&ordered, false, None),
        )
    };
    let expected = sessionconf::xml::expected::ExpectedElement::compile(&golden).unwrap();
    let doc = sessionconf::xml::parse(&actual).unwrap();
    let started = Instant::now();
    for _ in 0..10 {
        let c = sessionconf::xml::compare::compare(
            &expected,
            doc.root_element(),
            &sessionconf::placeholder::Bindings::default(),
        );
        assert!(c.is_match());
    }
    println!(
        "compare only: {:.1} ms per run",
        started.elapsed().as_secs_f64() * 100.0
    );
}
