//! One HTTP exchange: sending a prepared request and reading the response within limits.

use reqwest::cookie::{CookieStore, Jar};
use reqwest::Client;

/// A response as the checks see it.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub url: reqwest::Url,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Set when the body is not valid UTF-8 or UTF-16 (it is then kept lossily for display).
    pub body_error: Option<String>,
    /// What the body was decoded from: UTF-16 when it starts with that byte order mark.
    pub encoding: crate::xml::Encoding,
}

impl Exchange {
    /// All values of a header, in order; names are compared case-insensitively.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Values of a cookie the response sets.
    pub fn cookie_values(&self, name: &str) -> Vec<String> {
        self.header_values("set-cookie")
            .into_iter()
            .filter_map(|c| {
                let pair = c.split(';').next()?;
                let (n, v) = pair.split_once('=')?;
                (n.trim() == name).then(|| v.trim().to_string())
            })
            .collect()
    }
}

pub struct Outgoing {
    pub method: reqwest::Method,
    pub url: reqwest::Url,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

/// What one exchange may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest body read.
    pub max_body_bytes: u64,
    /// Time for the whole exchange.
    pub timeout: std::time::Duration,
    /// The option that set `timeout`, for messages (`--timeout`, `--scenario-timeout`).
    pub timeout_option: &'static str,
}

/// Sends `request`; with a cookie jar, sends its cookies for the URL and keeps the ones the response sets.
pub fn send(
    client: &Client,
    cookies: Option<&Jar>,
    request: &Outgoing,
    limits: Limits,
) -> Result<Exchange, String> {
    let builder = build(client, cookies, request)?.timeout(limits.timeout);
    super::client::block_on(receive(builder, cookies, request, limits))?
}

async fn receive(
    builder: reqwest::RequestBuilder,
    cookies: Option<&Jar>,
    request: &Outgoing,
    limits: Limits,
) -> Result<Exchange, String> {
    let response = builder
        .send()
        .await
        .map_err(|e| describe(&e, limits, &request.url))?;
    let status = response.status().as_u16();
    let url = response.url().clone();
    if let Some(jar) = cookies {
        jar.set_cookies(
            &mut response
                .headers()
                .get_all(reqwest::header::SET_COOKIE)
                .iter(),
            &url,
        );
    }
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let (body, body_error, encoding) = read_body(response, limits).await?;
    Ok(Exchange {
        url,
        status,
        headers,
        body,
        body_error,
        encoding,
    })
}

/// The request with its cookies (unless the scenario sets its own `Cookie`),
/// headers and body; a header value with CR or LF is refused (header injection).
fn build(
    client: &Client,
    cookies: Option<&Jar>,
    request: &Outgoing,
) -> Result<reqwest::RequestBuilder, String> {
    let mut builder = client.request(request.method.clone(), request.url.clone());
    let sets_cookie = request
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("cookie"));
    if let (Some(jar), false) = (cookies, sets_cookie) {
        if let Some(value) = jar.cookies(&request.url) {
            builder = builder.header(reqwest::header::COOKIE, value);
        }
    }
    for (name, value) in &request.headers {
        if value.contains(['\r', '\n']) {
            return Err(format!(
                "header {name}: the value holds a CR or LF; refusing to send it (header injection)"
            ));
        }
        let header_name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("`{name}` is not a valid header name"))?;
        let header_value = reqwest::header::HeaderValue::from_str(value)
            .map_err(|_| format!("header {name}: the value has characters HTTP does not allow"))?;
        builder = builder.header(header_name, header_value);
    }
    if let Some(body) = &request.body {
        builder = builder.body(body.clone());
    }
    Ok(builder)
}

/// The body, read up to the limit (a larger one is an error, whatever its
/// Content-Length says), as text; invalid UTF-8 is kept lossily with the error.
async fn read_body(
    mut response: reqwest::Response,
    limits: Limits,
) -> Result<(String, Option<String>, crate::xml::Encoding), String> {
    let max_body_bytes = limits.max_body_bytes;
    if let Some(len) = response.content_length() {
        if len > max_body_bytes {
            return Err(format!(
                "response body of {len} bytes is larger than the limit of {max_body_bytes} bytes"
            ));
        }
    }
    let mut bytes = Vec::new();
    loop {
        let chunk = response.chunk().await.map_err(|e| {
            if e.is_timeout() {
                format!(
                    "timed out reading the response body after {}s (the {} limit)",
                    limits.timeout.as_secs_f64(),
                    limits.timeout_option
                )
            } else {
                format!("the response body broke off: {}", chain(&e))
            }
        })?;
        let Some(chunk) = chunk else { break };
        if (bytes.len() + chunk.len()) as u64 > max_body_bytes {
            return Err(format!(
                "response body is larger than the limit of {max_body_bytes} bytes"
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(match crate::xml::decode(&bytes) {
        Ok((text, encoding)) => (text.into_owned(), None, encoding),
        Err(why) => (
            String::from_utf8_lossy(&bytes).into_owned(),
            Some(format!("the response body is {why}")),
            crate::xml::Encoding::Utf8,
        ),
    })
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// After a certificate failure, what the certificate the server presents says.
fn presented(detail: &str, url: &reqwest::Url, timeout_secs: f64) -> String {
    if !detail.contains("certificate") || url.scheme() != "https" {
        return String::new();
    }
    let limit = std::time::Duration::from_secs_f64(timeout_secs.clamp(0.001, 5.0));
    super::certificate::presented(url, limit)
        .and_then(|der| super::certificate::describe(&der))
        .map(|d| format!("; the server's certificate: {d}"))
        .unwrap_or_default()
}

/// What a certificate failure means, and which option would fix it.
fn tls_hint(detail: &str) -> &'static str {
    if !detail.contains("certificate") {
        ""
    } else if detail.contains("CaUsedAsEndEntity") {
        " (the server's certificate is a self-signed CA certificate used as its own, as `openssl req -x509` makes: give that certificate with --cacert FILE, or --insecure to accept any)"
    } else if detail.contains("UnknownIssuer") {
        " (the server's certificate is signed by a CA this run does not trust: give that CA, or the server's own certificate, with --cacert FILE, or --insecure to accept any)"
    } else if detail.contains("NotValidForName") {
        " (the server's certificate is not made for this host name: use a name it holds in --endpoint, or --insecure to accept any)"
    } else if detail.contains("Expired") || detail.contains("NotValidYet") {
        " (the server's certificate is outside its validity dates; --insecure accepts it anyway)"
    } else {
        " (the server's certificate is not accepted: --cacert FILE trusts its CA or the certificate itself, --insecure accepts any)"
    }
}

fn describe(e: &reqwest::Error, limits: Limits, url: &reqwest::Url) -> String {
    let detail = chain(e);
    let secs = limits.timeout.as_secs_f64();
    if e.is_timeout() {
        format!(
            "timed out after {secs}s (the {} limit): {detail}",
            limits.timeout_option
        )
    } else if e.is_connect() {
        format!(
            "cannot connect: {detail}{}{}",
            presented(&detail, url, secs),
            tls_hint(&detail)
        )
    } else {
        format!("request failed: {detail}")
    }
}

#[cfg(test)]
mod tls_hint_tests {
    use super::tls_hint;

    #[test]
    fn each_certificate_failure_names_the_option_that_fixes_it() {
        assert_eq!(tls_hint("connection refused"), "");
        let hint = |d: &str| tls_hint(&format!("invalid peer certificate: {d}"));
        assert!(hint("Other(OtherError(CaUsedAsEndEntity))").contains("openssl req -x509"));
        assert!(hint("UnknownIssuer").contains("does not trust"));
        assert!(hint("NotValidForName").contains("host name"));
        assert!(hint("Expired").contains("validity dates"));
        assert!(hint("BadSignature").contains("--cacert FILE trusts"));
    }
}
