//! The HTTP client of a run: explicit timeouts, redirects never followed, TLS
//! options for self-signed servers. One client serves every scenario (building
//! one reads the system's trust store and starts a runtime thread); each scenario
//! keeps its own cookie jar, applied per request.

use std::path::PathBuf;
use std::sync::Once;
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

/// How many clients this process has built (each HTTPS one reads the system's trust roots).
static BUILT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How many clients this process has built so far.
pub fn built() -> usize {
    BUILT.load(std::sync::atomic::Ordering::SeqCst)
}

/// The client for `options`, built once per process and shared by every target
/// with the same options. `tls` says whether it will speak HTTPS: only then does
/// it read the system's trust roots, which is most of a short run's start-up.
pub fn shared(options: &ClientOptions, tls: bool) -> Result<reqwest::blocking::Client, String> {
    type Cache = Vec<((ClientOptions, bool), reqwest::blocking::Client)>;
    static CACHE: std::sync::Mutex<Cache> = std::sync::Mutex::new(Vec::new());
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let key = (options.clone(), tls);
    if let Some((_, client)) = cache.iter().find(|(k, _)| *k == key) {
        return Ok(client.clone());
    }
    let client = build_for(options, tls)?;
    cache.push((key, client.clone()));
    Ok(client)
}

/// The run's client. It keeps no cookies itself: each scenario has its own jar.
pub fn build(options: &ClientOptions) -> Result<reqwest::blocking::Client, String> {
    build_for(options, true)
}

fn build_for(options: &ClientOptions, tls: bool) -> Result<reqwest::blocking::Client, String> {
    install_crypto_provider();
    BUILT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let mut builder = reqwest::blocking::Client::builder()
        .cookie_store(false)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(options.timeout)
        .connect_timeout(options.connect_timeout)
        .tls_backend_rustls()
        .tls_danger_accept_invalid_certs(options.insecure);
    let identity = identity_pem(options)?;
    if let Some(path) = &options.cacert {
        let pem = std::fs::read(path).map_err(|e| format!("--cacert {}: {e}", path.display()))?;
        let cacert = super::tls::certificates(&pem, &format!("--cacert {}", path.display()))?;
        // Built even for plain HTTP, so a bad file is said before anything is sent.
        let config = super::tls::config(cacert, identity.as_ref().map(|(c, k)| (&c[..], &k[..])))?;
        if tls && !options.insecure {
            return builder
                .tls_backend_preconfigured(config)
                .build()
                .map_err(|e| format!("cannot build the HTTP client: {e}"));
        }
    }
    if let Some((cert, key)) = identity {
        let mut pem = cert;
        pem.push(b'\n');
        pem.extend(key);
        let identity = reqwest::Identity::from_pem(&pem)
            .map_err(|e| format!("--cert/--key: not a PEM certificate and key: {e}"))?;
        builder = builder.identity(identity);
    }
    if !tls {
        // Plain HTTP: no trust roots to read (an HTTPS link it meets then fails, and says so).
        builder = builder.tls_certs_only(Vec::new());
    }
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
    fn one_client_per_options_and_scheme_is_built() {
        // Options no other test uses, so the count is this test's own.
        let options = ClientOptions {
            timeout: Duration::from_millis(12_345),
            ..ClientOptions::default()
        };
        let before = built();
        shared(&options, false).unwrap();
        shared(&options, false).unwrap();
        assert_eq!(built() - before, 1);
        shared(&options, true).unwrap();
        shared(&options, true).unwrap();
        assert_eq!(built() - before, 2);
        let bad = ClientOptions {
            cacert: Some(PathBuf::from("/no/such/ca.pem")),
            ..options
        };
        let err = shared(&bad, false).unwrap_err();
        assert!(err.contains("--cacert /no/such/ca.pem"), "{err}");
    }
}
