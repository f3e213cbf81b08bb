//! The HTTP client of a run: explicit timeouts, redirects never followed, TLS
//! options for self-signed servers. Each thread drives its own client on its
//! own single-threaded runtime, so a request never crosses threads; the TLS
//! configuration (the system's trust roots) is built once per process. Each
//! scenario keeps its own cookie jar, applied per request.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

/// How the run's HTTP client behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOptions {
    /// Limit on a whole exchange, from connect to the last body byte.
    pub timeout: Duration,
    /// Limit on connecting.
    pub connect_timeout: Duration,
    /// Accept any server certificate (self-signed Enterprise Manager installs).
    pub insecure: bool,
    /// Extra trusted CA certificates (PEM).
    pub cacert: Option<PathBuf>,
    /// Client certificate and key (PEM) for sites that require them.
    pub cert: Option<PathBuf>,
    /// The client certificate's private key (PEM).
    pub key: Option<PathBuf>,
    /// Largest response body read; a larger one fails the step.
    pub max_body_bytes: u64,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            insecure: false,
            cacert: None,
            cert: None,
            key: None,
            max_body_bytes: 64 * 1024 * 1024,
        }
    }
}

/// rustls needs a process-wide crypto provider before the first client; ring builds faster than aws-lc.
pub fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Another part of the process may have installed one already; either is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// How many TLS configurations this process has built (each reads the system's
/// trust roots, unless `--cacert` or `--insecure` replaces them).
static TLS_BUILT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How many TLS configurations this process has built so far.
pub fn tls_built() -> usize {
    TLS_BUILT.load(std::sync::atomic::Ordering::SeqCst)
}

/// Checks the options (reads and parses the certificate and key files) without
/// reading trust roots or building a client: said once, before anything is sent.
pub fn check(options: &ClientOptions) -> Result<(), String> {
    let identity = identity_pem(options)?;
    if let Some(path) = &options.cacert {
        let pem = std::fs::read(path).map_err(|e| format!("--cacert {}: {e}", path.display()))?;
        super::tls::certificates(&pem, &format!("--cacert {}", path.display()))?;
    }
    if let Some((cert, key)) = identity {
        super::tls::identity(&cert, &key)?;
    }
    Ok(())
}

/// The TLS configuration for `options`, built once per process: building it
/// reads the system's trust roots, which is most of a short run's start-up.
fn tls_config(options: &ClientOptions) -> Result<Arc<rustls::ClientConfig>, String> {
    type Cache = Vec<(ClientOptions, Arc<rustls::ClientConfig>)>;
    static CACHE: Mutex<Cache> = Mutex::new(Vec::new());
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, config)) = cache.iter().find(|(k, _)| k == options) {
        return Ok(config.clone());
    }
    install_crypto_provider();
    TLS_BUILT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let identity = identity_pem(options)?;
    let identity = identity.as_ref().map(|(c, k)| (&c[..], &k[..]));
    let trust = if options.insecure {
        super::tls::Trust::Any
    } else if let Some(path) = &options.cacert {
        let pem = std::fs::read(path).map_err(|e| format!("--cacert {}: {e}", path.display()))?;
        super::tls::Trust::Only(super::tls::certificates(
            &pem,
            &format!("--cacert {}", path.display()),
        )?)
    } else {
        super::tls::Trust::System
    };
    let config = Arc::new(super::tls::config(trust, identity)?);
    cache.push((options.clone(), config.clone()));
    Ok(config)
}

thread_local! {
    /// This thread's clients, one per set of options and scheme.
    static CLIENTS: std::cell::RefCell<Vec<((ClientOptions, bool), reqwest::Client)>> =
        const { std::cell::RefCell::new(Vec::new()) };
    /// The runtime this thread drives its requests on: the request and its
    /// connection run on the calling thread, with no hand-off to another.
    static RUNTIME: Result<tokio::runtime::Runtime, String> =
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the HTTP runtime: {e}"));
}

/// Runs `future` to its end on this thread's runtime.
pub(crate) fn block_on<F: std::future::Future>(future: F) -> Result<F::Output, String> {
    RUNTIME.with(|runtime| match runtime {
        Ok(rt) => Ok(rt.block_on(future)),
        Err(e) => Err(e.clone()),
    })
}

/// The client for `options` on this thread, built once per thread. A client's
/// connections belong to the runtime of the thread that opened them, so
/// clients are not shared between threads; the TLS configuration is.
/// `tls` says whether it will speak HTTPS: only then are trust roots read.
pub fn for_thread(options: &ClientOptions, tls: bool) -> Result<reqwest::Client, String> {
    let key = (options.clone(), tls);
    CLIENTS.with(|clients| {
        if let Some((_, client)) = clients.borrow().iter().find(|(k, _)| *k == key) {
            return Ok(client.clone());
        }
        let client = build(options, tls)?;
        clients.borrow_mut().push((key, client.clone()));
        Ok(client)
    })
}

fn build(options: &ClientOptions, tls: bool) -> Result<reqwest::Client, String> {
    install_crypto_provider();
    let builder = reqwest::Client::builder()
        .cookie_store(false)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(options.timeout)
        .connect_timeout(options.connect_timeout);
    let builder = if tls {
        builder.tls_backend_preconfigured((*tls_config(options)?).clone())
    } else {
        // Plain HTTP: no trust roots to read (an HTTPS link it meets then fails, and says so).
        check(options)?;
        builder.tls_backend_rustls().tls_certs_only(Vec::new())
    };
    builder
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

/// A client certificate and its key, as PEM.
type IdentityPem = (Vec<u8>, Vec<u8>);

/// The client certificate and key files, read.
fn identity_pem(options: &ClientOptions) -> Result<Option<IdentityPem>, String> {
    match (&options.cert, &options.key) {
        (Some(cert), Some(key)) => {
            let cert =
                std::fs::read(cert).map_err(|e| format!("--cert {}: {e}", cert.display()))?;
            let key = std::fs::read(key).map_err(|e| format!("--key {}: {e}", key.display()))?;
            Ok(Some((cert, key)))
        }
        (None, None) => Ok(None),
        _ => Err("--cert and --key go together".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_client_per_thread_and_one_tls_configuration_per_process() {
        // Options no other test uses, so the count is this test's own.
        let options = ClientOptions {
            timeout: Duration::from_millis(12_345),
            ..ClientOptions::default()
        };
        let before = tls_built();
        for_thread(&options, false).unwrap();
        assert_eq!(tls_built(), before, "plain HTTP reads no trust roots");
        for_thread(&options, true).unwrap();
        for_thread(&options, true).unwrap();
        let other = options.clone();
        std::thread::spawn(move || for_thread(&other, true).unwrap())
            .join()
            .unwrap();
        assert_eq!(tls_built() - before, 1);
        let bad = ClientOptions {
            cacert: Some(PathBuf::from("/no/such/ca.pem")),
            ..options
        };
        let err = for_thread(&bad, false).unwrap_err();
        assert!(err.contains("--cacert /no/such/ca.pem"), "{err}");
        assert!(check(&bad).unwrap_err().contains("/no/such/ca.pem"));
    }
}
