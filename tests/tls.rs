//! TLS against a local HTTPS reference server with generated certificates:
//! `--cacert`, `--insecure`, client certificates, and clear failures for wrong ones.

mod support;

use std::path::Path;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use sessionconf::report::{self, ScenarioOutcome};
use sessionconf::run::{run_scenario, ClientOptions, RunOptions};
use sessionconf::server::{start, Dialect, RunningServer, ServerOptions, TlsFiles};

struct Ca {
    pem: String,
    issuer: Issuer<'static, KeyPair>,
}

fn ca(name: &str) -> Ca {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, name);
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    Ca {
        pem: cert.pem(),
        issuer: Issuer::new(params, key),
    }
}

/// A certificate signed by `ca`: (certificate PEM, key PEM).
fn leaf(ca: &Ca, names: &[&str]) -> (String, String) {
    let params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, &ca.issuer).unwrap();
    (cert.pem(), key.serialize_pem())
}

fn https_server(server_ca: &Ca, client_ca: Option<&Ca>) -> RunningServer {
    let (cert, key) = leaf(server_ca, &["127.0.0.1", "localhost"]);
    let mut options = ServerOptions::new(Dialect::VeeamEm);
    options.tls = Some(TlsFiles {
        cert_pem: cert.into_bytes(),
        key_pem: key.into_bytes(),
        client_ca_pem: client_ca.map(|c| c.pem.clone().into_bytes()),
    });
    start(Dialect::VeeamEm, options, ([127, 0, 0, 1], 0).into()).unwrap()
}

fn run(server: &RunningServer, client: ClientOptions) -> Vec<ScenarioOutcome> {
    let suite: Vec<_> = support::shipped("veeam-em")
        .into_iter()
        .filter(|s| {
            s.id == "veeam-em::entry-point[format=xml]"
                || s.id == "veeam-em::admin-logon[api=latest,format=json]"
        })
        .collect();
    assert_eq!(suite.len(), 2);
    let mut options = RunOptions::new(server.base_url().parse().unwrap());
    options.client = client;
    let options = Arc::new(options);
    suite.iter().map(|s| run_scenario(s, &options)).collect()
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn all_pass(outcomes: &[ScenarioOutcome]) {
    for o in outcomes {
        assert!(o.passed(), "{}", report::console::render(o, false));
    }
}

fn all_fail_with(outcomes: &[ScenarioOutcome], needle: &str) {
    for o in outcomes {
        let text = report::console::render(o, false);
        assert!(!o.passed(), "{text}");
        assert!(
            text.to_lowercase().contains(needle),
            "expected {needle:?} in:\n{text}"
        );
    }
}

#[test]
fn cacert_and_insecure_against_a_self_signed_server() {
    let dir = tempfile::tempdir().unwrap();
    let server_ca = ca("sessionconf test CA");
    let server = https_server(&server_ca, None);
    assert!(server.base_url().starts_with("https://127.0.0.1:"));

    // Unknown issuer: a clear certificate failure, not a pass, that says
    // what the certificate was and which option would fix it.
    let refused = run(&server, ClientOptions::default());
    all_fail_with(
        &refused,
        "issuer cn=sessionconf test ca; names 127.0.0.1, localhost; valid ",
    );
    all_fail_with(&refused, "--cacert file");

    let cacert = write(dir.path(), "ca.pem", &server_ca.pem);
    all_pass(&run(
        &server,
        ClientOptions {
            cacert: Some(cacert),
            ..ClientOptions::default()
        },
    ));
    all_pass(&run(
        &server,
        ClientOptions {
            insecure: true,
            ..ClientOptions::default()
        },
    ));

    // The wrong CA is as good as none.
    let other = write(dir.path(), "other.pem", &ca("another CA").pem);
    all_fail_with(
        &run(
            &server,
            ClientOptions {
                cacert: Some(other),
                ..ClientOptions::default()
            },
        ),
        "certificate",
    );
    assert_eq!(server.open_sessions(), 0);
}

#[test]
fn client_certificates() {
    let dir = tempfile::tempdir().unwrap();
    let server_ca = ca("server CA");
    let client_ca = ca("client CA");
    let server = https_server(&server_ca, Some(&client_ca));
    let cacert = write(dir.path(), "ca.pem", &server_ca.pem);

    // No client certificate: the handshake fails, clearly.
    let outcomes = run(
        &server,
        ClientOptions {
            cacert: Some(cacert.clone()),
            ..ClientOptions::default()
        },
    );
    for o in &outcomes {
        assert!(!o.passed(), "{}", report::console::render(o, false));
    }

    let (cert, key) = leaf(&client_ca, &["sessionconf client"]);
    let cert_path = write(dir.path(), "client.pem", &cert);
    let key_path = write(dir.path(), "client.key", &key);
    let with_cert = ClientOptions {
        cacert: Some(cacert.clone()),
        cert: Some(cert_path),
        key: Some(key_path),
        ..ClientOptions::default()
    };
    all_pass(&run(&server, with_cert));

    // A certificate from another CA is refused.
    let (cert, key) = leaf(&ca("rogue CA"), &["intruder"]);
    let rogue = ClientOptions {
        cacert: Some(cacert),
        cert: Some(write(dir.path(), "rogue.pem", &cert)),
        key: Some(write(dir.path(), "rogue.key", &key)),
        ..ClientOptions::default()
    };
    for o in &run(&server, rogue) {
        assert!(!o.passed(), "{}", report::console::render(o, false));
    }
    assert_eq!(server.open_sessions(), 0);
}

#[test]
fn a_bad_cacert_file_is_a_configuration_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "junk.pem", "not a certificate");
    let err = sessionconf::run::client::check(&ClientOptions {
        cacert: Some(path),
        ..ClientOptions::default()
    })
    .unwrap_err();
    assert!(
        err.contains("--cacert") && err.contains("junk.pem"),
        "{err}"
    );
}

/// A certificate as `openssl req -x509` makes it: self-signed, CA:TRUE, used by
/// the server as its own.
fn self_signed_ca_for(names: &[&str]) -> (String, String) {
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "em01.lab");
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    (cert.pem(), key.serialize_pem())
}

fn server_with(cert: &str, key: &str) -> RunningServer {
    let mut options = ServerOptions::new(Dialect::VeeamEm);
    options.tls = Some(TlsFiles {
        cert_pem: cert.as_bytes().to_vec(),
        key_pem: key.as_bytes().to_vec(),
        client_ca_pem: None,
    });
    start(Dialect::VeeamEm, options, ([127, 0, 0, 1], 0).into()).unwrap()
}

#[test]
fn a_self_signed_server_certificate_given_with_cacert_is_trusted_for_its_names() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = self_signed_ca_for(&["127.0.0.1", "localhost"]);
    let server = server_with(&cert, &key);
    let with = |pem: &str, file: &str| ClientOptions {
        cacert: Some(write(dir.path(), file, pem)),
        ..ClientOptions::default()
    };
    all_pass(&run(&server, with(&cert, "own.pem")));
    // Another self-signed certificate is no substitute.
    let (other, _) = self_signed_ca_for(&["127.0.0.1"]);
    all_fail_with(&run(&server, with(&other, "other.pem")), "--cacert");
    // The server's own certificate, but made for another name: refused.
    let (elsewhere, elsewhere_key) = self_signed_ca_for(&["em02.lab"]);
    let misnamed = server_with(&elsewhere, &elsewhere_key);
    all_fail_with(
        &run(&misnamed, with(&elsewhere, "elsewhere.pem")),
        "subject cn=em01.lab; issuer cn=em01.lab (self-signed); names em02.lab",
    );
    assert_eq!(server.open_sessions(), 0);
}
