//! What a server's certificate says, for a TLS failure's message: subject,
//! issuer, the names it holds and its validity dates. Read from the DER with a
//! small reader of just those fields (a full X.509 crate would be most of the
//! build for one message); anything it cannot read is left out, never guessed.

use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::ServerName;

/// One DER element: its tag and contents, and what follows it.
fn element(der: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = der.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n].iter().fold(0usize, |l, b| (l << 8) | *b as usize);
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// The elements inside a constructed element's contents, in order.
fn children(mut contents: &[u8]) -> Vec<(u8, &[u8])> {
    let mut out = Vec::new();
    while let Some((tag, value, rest)) = element(contents) {
        out.push((tag, value));
        contents = rest;
    }
    out
}

/// A Name as `CN=em01, O=Lab`: the attributes people read, in the certificate's order.
fn name(contents: &[u8]) -> String {
    let mut parts = Vec::new();
    for (_, set) in children(contents) {
        for (_, pair) in children(set) {
            let fields = children(pair);
            let [(0x06, oid), (tag, value)] = fields[..] else {
                continue;
            };
            let label = match oid {
                [0x55, 0x04, 0x03] => "CN",
                [0x55, 0x04, 0x06] => "C",
                [0x55, 0x04, 0x07] => "L",
                [0x55, 0x04, 0x08] => "ST",
                [0x55, 0x04, 0x0a] => "O",
                [0x55, 0x04, 0x0b] => "OU",
                _ => continue,
            };
            parts.push(format!("{label}={}", text(tag, value)));
        }
    }
    parts.join(", ")
}

fn text(tag: u8, value: &[u8]) -> String {
    if tag == 0x1e {
        let units: Vec<u16> = value
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    String::from_utf8_lossy(value).into_owned()
}

/// UTCTime or GeneralizedTime as `YYYY-MM-DD`.
fn date(tag: u8, value: &[u8]) -> Option<String> {
    let digits = std::str::from_utf8(value).ok()?;
    let (year, rest) = match tag {
        0x17 => {
            let yy: u32 = digits.get(..2)?.parse().ok()?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, &digits[2..])
        }
        0x18 => (digits.get(..4)?.parse().ok()?, &digits[4..]),
        _ => return None,
    };
    Some(format!("{year:04}-{}-{}", rest.get(..2)?, rest.get(2..4)?))
}

/// The DNS names and addresses of a subjectAltName extension in `extensions` ([3]).
fn alt_names(extensions: &[u8]) -> Vec<String> {
    let Some((0x30, list, _)) = element(extensions) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for (_, extension) in children(list) {
        let fields = children(extension);
        let Some(&(0x06, [0x55, 0x1d, 0x11])) = fields.first() else {
            continue;
        };
        let Some(&(0x04, octets)) = fields.last() else {
            continue;
        };
        let Some((0x30, general, _)) = element(octets) else {
            continue;
        };
        for (tag, value) in children(general) {
            match (tag, value.len()) {
                (0x82, _) => names.push(String::from_utf8_lossy(value).into_owned()),
                (0x87, 4) => names.push(
                    std::net::Ipv4Addr::from([value[0], value[1], value[2], value[3]]).to_string(),
                ),
                _ => {}
            }
        }
    }
    names
}

/// `subject CN=em01; issuer CN=em01 (self-signed); names em01, 10.0.0.5; valid 2026-01-01 to 2027-01-01`.
pub fn describe(der: &[u8]) -> Option<String> {
    let (0x30, certificate, _) = element(der)? else {
        return None;
    };
    let (0x30, tbs, _) = element(certificate)? else {
        return None;
    };
    let mut fields = children(tbs);
    if fields.first().is_some_and(|(tag, _)| *tag == 0xa0) {
        fields.remove(0);
    }
    // serial, signature algorithm, issuer, validity, subject, key, then optional [1] [2] [3].
    let [_, _, (0x30, issuer), (0x30, validity), (0x30, subject), ..] = fields[..] else {
        return None;
    };
    let (subject, issuer) = (name(subject), name(issuer));
    let mut out = format!("subject {subject}; issuer {issuer}");
    if subject == issuer {
        out.push_str(" (self-signed)");
    }
    if let Some(&(_, extensions)) = fields.iter().find(|(tag, _)| *tag == 0xa3) {
        let names = alt_names(extensions);
        if !names.is_empty() {
            out.push_str(&format!("; names {}", names.join(", ")));
        }
    }
    let times: Vec<Option<String>> = children(validity)
        .into_iter()
        .map(|(t, v)| date(t, v))
        .collect();
    if let [Some(from), Some(until)] = &times[..] {
        out.push_str(&format!("; valid {from} to {until}"));
    }
    Some(out)
}

/// The certificate the server at `url` presents, read with a handshake that
/// trusts nothing it is shown (it sends nothing, and is dropped at once); for
/// saying what a refused certificate was. Bounded by `limit` as a whole.
pub fn presented(url: &reqwest::Url, limit: Duration) -> Option<Vec<u8>> {
    let host = url.host_str()?.trim_matches(['[', ']']).to_string();
    let address = (host.as_str(), url.port_or_known_default()?)
        .to_socket_addrs()
        .ok()?
        .next()?;
    let deadline = Instant::now() + limit;
    let mut socket = TcpStream::connect_timeout(&address, limit).ok()?;
    socket.set_read_timeout(Some(limit)).ok()?;
    socket.set_write_timeout(Some(limit)).ok()?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .ok()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(super::tls::AcceptAny))
        .with_no_client_auth();
    let server = ServerName::try_from(host).ok()?;
    let mut connection = rustls::ClientConnection::new(Arc::new(config), server).ok()?;
    // One read at a time, each within what is left: `complete_io` would keep
    // reading as long as a server trickles bytes.
    while connection.peer_certificates().is_none() && connection.is_handshaking() {
        let left = deadline.checked_duration_since(Instant::now())?;
        while connection.wants_write() {
            connection.write_tls(&mut socket).ok()?;
        }
        socket
            .set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .ok()?;
        if connection.read_tls(&mut socket).ok()? == 0 {
            return None;
        }
        connection.process_new_packets().ok()?;
    }
    Some(connection.peer_certificates()?.first()?.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};

    fn der(names: &[&str], ca: bool) -> Vec<u8> {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(names).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "em01.lab");
        for (kind, value) in [
            (DnType::OrganizationName, "Lab Ünit"),
            (DnType::OrganizationalUnitName, "Backup"),
            (DnType::CountryName, "DE"),
            (DnType::StateOrProvinceName, "Bayern"),
            (DnType::LocalityName, "Passau"),
        ] {
            params.distinguished_name.push(kind, value);
        }
        params.not_before = rcgen::date_time_ymd(2026, 1, 2);
        params.not_after = rcgen::date_time_ymd(2051, 3, 4);
        if ca {
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        }
        let key = KeyPair::generate().unwrap();
        params.self_signed(&key).unwrap().der().to_vec()
    }

    #[test]
    fn a_certificate_is_described_by_subject_issuer_names_and_dates() {
        let said = describe(&der(&["em01.lab", "10.0.0.5"], true)).unwrap();
        assert_eq!(
            said,
            "subject CN=em01.lab, O=Lab Ünit, OU=Backup, C=DE, ST=Bayern, L=Passau; issuer CN=em01.lab, O=Lab Ünit, OU=Backup, C=DE, ST=Bayern, L=Passau (self-signed); names em01.lab, 10.0.0.5; valid 2026-01-02 to 2051-03-04"
        );
        let no_names = describe(&der(&[], false)).unwrap();
        assert!(!no_names.contains("names"), "{no_names}");
    }

    #[test]
    fn two_digit_years_are_read_as_x509_says() {
        assert_eq!(date(0x17, b"500101000000Z").as_deref(), Some("1950-01-01"));
        assert_eq!(date(0x17, b"491231235959Z").as_deref(), Some("2049-12-31"));
        assert_eq!(date(0x17, b"991231235959Z").as_deref(), Some("1999-12-31"));
        assert_eq!(
            date(0x18, b"20510304000000Z").as_deref(),
            Some("2051-03-04")
        );
        assert_eq!(date(0x04, b"20510304000000Z"), None);
        assert_eq!(date(0x17, b"5"), None);
    }

    #[test]
    fn a_server_that_trickles_bytes_is_given_up_on_at_the_limit() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url: reqwest::Url = format!("https://{}/", listener.local_addr().unwrap())
            .parse()
            .unwrap();
        std::thread::spawn(move || {
            use std::io::Write;
            let Ok((mut s, _)) = listener.accept() else {
                return;
            };
            // A handshake record that never ends, one byte at a time.
            let _ = s.write_all(&[0x16, 0x03, 0x03, 0x40, 0x00]);
            for _ in 0..100 {
                std::thread::sleep(Duration::from_millis(50));
                if s.write_all(&[0x02]).is_err() {
                    return;
                }
            }
        });
        let started = Instant::now();
        assert_eq!(presented(&url, Duration::from_millis(300)), None);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn der_lengths_short_long_and_refused() {
        assert_eq!(
            element(&[0x04, 0x01, 7, 9]),
            Some((0x04, &[7u8][..], &[9u8][..]))
        );
        let four = [0x04, 0x84, 0, 0, 0, 2, 7, 8];
        assert_eq!(element(&four), Some((0x04, &[7u8, 8][..], &[][..])));
        let mut indefinite = vec![0x04, 0x80];
        indefinite.extend([0u8; 130]);
        assert_eq!(element(&indefinite), None, "indefinite length is not DER");
        let mut five = vec![0x04, 0x85, 0, 0, 0, 0, 1];
        five.extend([0u8; 8]);
        assert_eq!(element(&five), None);
        assert_eq!(element(&[0x04, 0x82, 0x01]), None, "a length cut short");
        assert_eq!(element(&[0x04, 0x02, 7]), None, "contents cut short");
    }

    #[test]
    fn anything_else_is_no_description_and_no_panic() {
        let good = der(&["a"], false);
        for cut in 0..good.len() {
            let _ = describe(&good[..cut]);
        }
        assert_eq!(describe(b""), None);
        assert_eq!(describe(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(describe(&[0x02, 0x01, 0x00]), None);
    }

    #[test]
    fn a_server_that_says_nothing_is_given_up_on_within_the_limit() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url: reqwest::Url = format!("https://{}/api/", listener.local_addr().unwrap())
            .parse()
            .unwrap();
        let started = Instant::now();
        assert_eq!(presented(&url, Duration::from_millis(300)), None);
        assert!(started.elapsed() < Duration::from_secs(3));
        drop(listener);
    }
}
