//! A small in-test HTTP server on 127.0.0.1 answering a logon flow, independent
//! of the reference server, and helpers to write a suite into a temporary directory.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Router;

pub const USER: &str = "tester";
pub const PASSWORD: &str = "pw-Secret-42";
pub const TOKEN: &str = "tok-Secret-Token-0001";
pub const SESSION: &str = "5d3c1b2a-0000-4000-8000-00000000abcd";

#[derive(Default)]
pub struct Seen {
    pub deleted: Vec<String>,
    /// A request to `/api/slow` has arrived.
    pub slow_started: bool,
}

pub struct TestServer {
    pub base: String,
    pub seen: Arc<Mutex<Seen>>,
}

fn authorized(headers: &HeaderMap) -> bool {
    headers
        .get("X-RestSvcSessionId")
        .and_then(|v| v.to_str().ok())
        == Some(TOKEN)
}

async fn logon(State(_): State<Arc<Mutex<Seen>>>, headers: HeaderMap) -> Response {
    use base64::Engine;
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"))
    );
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
        return (
            StatusCode::UNAUTHORIZED,
            "<Error Message=\"bad credentials\" StatusCode=\"401\"/>",
        )
            .into_response();
    }
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let body = format!(
        r#"<LogonSession xmlns="urn:test" Href="http://{host}/api/sessions/{SESSION}"><Links><Link Rel="Up" Href="http://{host}/api/"/><Link Rel="Delete" Type="LogonSession" Href="http://{host}/api/sessions/{SESSION}"/></Links><UserName>DOM\{USER}</UserName><SessionId>{SESSION}</SessionId></LogonSession>"#
    );
    (
        StatusCode::CREATED,
        [
            ("X-RestSvcSessionId", TOKEN.to_string()),
            (
                "Set-Cookie",
                format!("X-RestSvcSessionId={TOKEN}; Path=/api"),
            ),
            ("Content-Type", "application/xml".to_string()),
        ],
        body,
    )
        .into_response()
}

async fn echo_token(headers: HeaderMap) -> Response {
    // A misbehaving server that echoes the token in its body.
    let token = headers
        .get("X-RestSvcSessionId")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (
        StatusCode::OK,
        format!("<Echo><Token>{token}</Token><Pw>{PASSWORD}</Pw></Echo>"),
    )
        .into_response()
}

async fn remove(
    State(seen): State<Arc<Mutex<Seen>>>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> Response {
    if !authorized(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    seen.lock().unwrap().deleted.push(id);
    StatusCode::NO_CONTENT.into_response()
}

/// How many children `/api/many` answers with: more than a comparison visits
/// between looks at whether it must stop.
pub const MANY: usize = 3000;

pub fn start() -> TestServer {
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let app =
        Router::new()
            .route("/api/login", post(logon))
            .route("/api/sessions/{id}", delete(remove))
            .route("/api/echo", get(echo_token))
            .route(
                "/api/fail",
                get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "<Error/>") }),
            )
            .route(
                "/api/query",
                get(|uri: axum::http::Uri| async move {
                    format!("query={}", uri.query().unwrap_or(""))
                }),
            )
            .route(
                "/api/many",
                get(|| async { format!("<Many>{}</Many>", "<X/>".repeat(MANY)) }),
            )
            .route(
                "/api/slow",
                get(|State(seen): State<Arc<Mutex<Seen>>>| async move {
                    seen.lock().unwrap().slow_started = true;
                    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
                    "<Slow/>"
                }),
            )
            .with_state(seen.clone());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    TestServer {
        base: format!("http://{addr}/api/"),
        seen,
    }
}

/// A suite in a temporary directory: `scenarios/test/*.yaml`, `golden/`.
pub struct Suite {
    pub dir: tempfile::TempDir,
}

impl Suite {
    pub fn new() -> Suite {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("scenarios/test")).unwrap();
        std::fs::create_dir_all(dir.path().join("golden")).unwrap();
        Suite { dir }
    }

    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn scenario(&self, file: &str) -> PathBuf {
        self.root().join("scenarios/test").join(file)
    }

    pub fn golden_dir(&self) -> PathBuf {
        self.root().join("golden")
    }
}

/// The shipped scenarios of one dialect, loaded as a run loads them.
pub fn shipped(dialect: &str) -> Vec<sessionconf::scenario::LoadedScenario> {
    sessionconf::scenario::load_suite(&shipped_source(dialect)).expect("the shipped suite loads")
}

/// Where the shipped suite of `dialect` is.
pub fn shipped_source(dialect: &str) -> sessionconf::scenario::SuiteSource {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    sessionconf::scenario::SuiteSource {
        scenarios_dir: root.join("scenarios"),
        golden_dir: root.join("golden"),
        dialects: vec![dialect.to_string()],
        allow_missing_goldens: false,
        variables: Vec::new(),
    }
}

/// Run options against the in-test server at `base`, logging on as `user`
/// with the server's password; `bless` records goldens.
pub fn run_options(base: &str, user: &str, bless: bool) -> Arc<sessionconf::run::RunOptions> {
    let mut o = sessionconf::run::RunOptions::new(base.parse().unwrap());
    o.credentials = sessionconf::credentials::Credentials {
        user: user.into(),
        password: PASSWORD.into(),
        tenant_user: "t".into(),
        tenant_password: "tenant-pw-x".into(),
    };
    o.client.timeout = std::time::Duration::from_secs(10);
    o.bless = bless;
    Arc::new(o)
}

/// What a child process printed, and how it ended.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Waits for `child` at most `limit` (then kills it and fails the test), reading its pipes meanwhile.
pub fn wait(mut child: std::process::Child, limit: std::time::Duration) -> Output {
    // Read both pipes while the child runs: a child that writes more than a pipe
    // holds would otherwise block forever on a full pipe.
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                pipe.read_to_string(&mut text).unwrap();
            }
            text
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
    );
    let deadline = std::time::Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("sessionconf ran past {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    Output {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// A copy of the directory `from` (a suite, its goldens) at `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
