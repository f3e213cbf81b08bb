//! The embedded reference server: each vendor's session API as its documentation
//! describes it. It shares no code with the comparator or the scenario model, so
//! the suite and the server cannot agree by construction.

pub(crate) mod commvault;
pub mod company;
pub mod fault;
pub mod profile;
pub(crate) mod representation;
pub(crate) mod sessions;
pub mod variant;
pub(crate) mod veeam_em;
pub(crate) mod vendor;

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;

use crate::credentials::Credentials;
pub use company::Company;
pub use fault::Fault;
pub use profile::Profile;
pub use representation::Style;
pub use variant::Variant;

/// A vendor API the reference server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dialect {
    /// Veeam Backup Enterprise Manager.
    VeeamEm,
    /// Commvault.
    Commvault,
}

impl Dialect {
    /// Every dialect.
    pub const ALL: [Dialect; 2] = [Dialect::VeeamEm, Dialect::Commvault];

    /// The dialect's name, as scenario directories and options use it.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::VeeamEm => "veeam-em",
            Dialect::Commvault => "commvault",
        }
    }

    /// The dialect called `name`.
    pub fn parse(name: &str) -> Option<Dialect> {
        Dialect::ALL.into_iter().find(|d| d.name() == name)
    }

    /// The API base path its users know.
    pub fn base_path(self) -> &'static str {
        match self {
            Dialect::VeeamEm => "/api/",
            Dialect::Commvault => "/webconsole/api/",
        }
    }
}

/// Serve HTTPS with this certificate; with `client_ca`, require client certificates it signed.
#[derive(Clone)]
pub struct TlsFiles {
    /// The server certificate chain (PEM).
    pub cert_pem: Vec<u8>,
    /// Its private key (PEM).
    pub key_pem: Vec<u8>,
    /// The CA that client certificates must be signed by (PEM), if any are required.
    pub client_ca_pem: Option<Vec<u8>>,
}

impl std::fmt::Debug for TlsFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsFiles")
            .field("client_certificates", &self.client_ca_pem.is_some())
            .finish_non_exhaustive()
    }
}

fn tls_config(files: &TlsFiles) -> Result<rustls::ServerConfig, String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let certs: Vec<CertificateDer> = CertificateDer::pem_slice_iter(&files.cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("the TLS certificate is not PEM: {e}"))?;
    if certs.is_empty() {
        return Err("the TLS certificate file holds no certificate".into());
    }
    let key = PrivateKeyDer::from_pem_slice(&files.key_pem)
        .map_err(|e| format!("the TLS key is not a PEM private key: {e}"))?;
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let builder = match &files.client_ca_pem {
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            for cert in CertificateDer::pem_slice_iter(ca) {
                let cert = cert.map_err(|e| format!("the client CA is not PEM: {e}"))?;
                roots.add(cert).map_err(|e| format!("the client CA: {e}"))?;
            }
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                std::sync::Arc::new(roots),
                provider,
            )
            .build()
            .map_err(|e| format!("the client CA: {e}"))?;
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    builder
        .with_single_cert(certs, key)
        .map_err(|e| format!("the TLS certificate and key: {e}"))
}

/// How a reference server behaves.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// The vendor version the server plays.
    pub profile: Profile,
    /// The accounts it accepts.
    pub credentials: Credentials,
    /// Sessions end after this long unused (Enterprise Manager: 15 minutes; Commvault: 30).
    pub idle_timeout: Duration,
    /// How it writes XML (prefixes, indentation, attribute order).
    pub style: Style,
    /// The ways it is broken on purpose.
    pub faults: Vec<Fault>,
    /// Larger request bodies are refused with 413.
    pub max_body_bytes: usize,
    /// HTTPS instead of HTTP.
    pub tls: Option<TlsFiles>,
    /// Answer every request this much later, as a real server across a network
    /// does (a logon takes 100 to 500 ms on real servers).
    pub delay: Option<Duration>,
    /// The other clients it has while a suite runs (none by default).
    pub company: Company,
}

impl ServerOptions {
    /// The options of `dialect`'s newest profile, with the environment's accounts.
    pub fn new(dialect: Dialect) -> ServerOptions {
        ServerOptions {
            profile: Profile::newest(dialect),
            credentials: Credentials::from_env(),
            idle_timeout: Duration::from_secs(match dialect {
                Dialect::VeeamEm => 15 * 60,
                Dialect::Commvault => 30 * 60,
            }),
            style: Style::default(),
            faults: Vec::new(),
            max_body_bytes: 64 * 1024,
            tls: None,
            delay: None,
            company: Company::default(),
        }
    }
}

/// A reference server running on its own thread and runtime (a blocking HTTP
/// client must not run inside the server's runtime). Stops when dropped.
pub struct RunningServer {
    /// The dialect it speaks.
    pub dialect: Dialect,
    /// The address it listens on.
    pub address: SocketAddr,
    tls: bool,
    sessions: std::sync::Arc<dyn vendor::Host>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RunningServer {
    /// The API base URL, e.g. `http://127.0.0.1:40123/api/`.
    pub fn base_url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}{}", self.address, self.dialect.base_path())
    }

    /// Every token the server has issued.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.sessions.issued_tokens()
    }

    /// The suite's sessions that are still open (the company's are not
    /// counted): after a suite run, this must be zero.
    pub fn open_sessions(&self) -> usize {
        self.sessions.open_sessions()
    }

    /// The most of the suite's sessions that were open at once since the server started.
    pub fn peak_sessions(&self) -> usize {
        self.sessions.peak_sessions()
    }

    /// The company's sessions now open ([`ServerOptions::company`]).
    pub fn company_sessions(&self) -> usize {
        self.sessions.company_sessions()
    }

    /// Company sessions that a client other than their owner ended (a
    /// DELETE of the session, a logoff naming it): a suite must leave these at zero.
    pub fn company_sessions_ended(&self) -> usize {
        self.sessions.company_ended()
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The router with its request body limit, and answering `delay` late.
fn layered(router: axum::Router, limit: usize, delay: Option<Duration>) -> axum::Router {
    let router = router.layer(DefaultBodyLimit::max(limit));
    match delay {
        Some(delay) => router.layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| async move {
                tokio::time::sleep(delay).await;
                next.run(request).await
            },
        )),
        None => router,
    }
}

/// Starts a reference server on `bind` (port 0 picks a free port).
pub fn start(
    dialect: Dialect,
    options: ServerOptions,
    bind: SocketAddr,
) -> std::io::Result<RunningServer> {
    let limit = options.max_body_bytes;
    let delay = options.delay;
    let options_tls = options.tls.is_some();
    let tls = match &options.tls {
        Some(files) => Some(tls_config(files).map_err(std::io::Error::other)?),
        None => None,
    };
    let crowd = options.company.clone();
    let (router, sessions) = match dialect {
        Dialect::VeeamEm => veeam_em::router(options),
        Dialect::Commvault => commvault::router(options),
    };
    if crowd.others {
        company::seat_others(sessions.as_ref());
    }
    let door: std::sync::Arc<dyn company::Door> = sessions.clone();
    let router = layered(router, limit, delay);
    let listener = std::net::TcpListener::bind(bind)?;
    listener.set_nonblocking(true)?;
    let address = listener.local_addr()?;
    // One thread serves every connection: an answer takes microseconds, and
    // a pool of two workers spent more time waking each other than answering
    // (the server's CPU per request fell from 87 to 58 µs on one thread).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name(format!("sessionconf-serve-{}", dialect.name()))
        .spawn(move || {
            let churn = crowd.churn.map(|every| (door, every));
            runtime.block_on(serve(listener, router, tls, rx, churn));
            runtime.shutdown_timeout(Duration::from_secs(1));
        })?;
    Ok(RunningServer {
        dialect,
        address,
        tls: options_tls,
        sessions,
        shutdown: Some(tx),
        thread: Some(thread),
    })
}

/// Serves on `listener` (HTTPS with `tls`) until `rx` fires, with the company's
/// churning client, when there is one, beside it.
async fn serve(
    listener: std::net::TcpListener,
    router: axum::Router,
    tls: Option<rustls::ServerConfig>,
    rx: tokio::sync::oneshot::Receiver<()>,
    churn: Option<(std::sync::Arc<dyn company::Door>, Duration)>,
) {
    let listener = match tokio::net::TcpListener::from_std(listener) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("reference server: {e}");
            return;
        }
    };
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    if let Some((door, every)) = churn {
        tokio::spawn(company::churn(door, every, stop_rx.clone()));
    }
    let signal = async move {
        let _ = rx.await;
        let _ = stop_tx.send(true);
    };
    let mut stop = stop_rx.clone();
    if let Some(config) = tls {
        serve_tls(listener, router, config, signal).await;
        return;
    }
    // Small responses go out at once: without TCP_NODELAY a response
    // written in two pieces waits on the client's delayed ACK.
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let server = axum::serve(listener, router).with_graceful_shutdown(signal);
    // Graceful shutdown waits for open connections; give them a bounded time.
    let deadline = async move {
        let _ = stop.wait_for(|v| *v).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
    };
    tokio::select! {
        result = server => {
            if let Err(e) = result {
                eprintln!("reference server: {e}");
            }
        }
        _ = deadline => {}
    }
}

/// HTTPS: each accepted connection is a TLS handshake (bounded in time), then
/// HTTP/1.1 served by the same router. Ends when `signal` completes.
async fn serve_tls(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    config: rustls::ServerConfig,
    signal: impl std::future::Future<Output = ()>,
) {
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    tokio::pin!(signal);
    loop {
        let accepted = tokio::select! {
            _ = &mut signal => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((tcp, _)) = accepted else { continue };
        let _ = tcp.set_nodelay(true);
        let acceptor = acceptor.clone();
        let service = hyper_util::service::TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            // A client that refuses our certificate ends the handshake; that is not our error.
            let Ok(Ok(stream)) =
                tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp)).await
            else {
                return;
            };
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}
