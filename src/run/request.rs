//! Building a step's request from its template: the URL (a path, an absolute URL
//! or a link followed from an earlier response), query, headers, auth and body.

use super::exchange::Outgoing;
use super::state::{FoundLink, ScenarioState};
use crate::outcome::Phase;
use crate::scenario::model::{Forms, LinkRef, Step};
use crate::scenario::template::Template;

/// Why a request could not be built.
pub(crate) enum Unbuilt {
    /// An input is missing because an earlier step failed: a `finally` step is skipped.
    Unavailable(String),
    /// The scenario asks for something that cannot be sent.
    Invalid(String),
}

/// The request of `step`, with every variable expanded; `note` is set when a
/// `finally` step had to follow a link other than the one it names.
pub(crate) fn prepare(
    state: &ScenarioState,
    step: &Step,
    phase: Phase,
    note: &mut Option<String>,
) -> Result<Outgoing, Unbuilt> {
    let request = &step.request;
    let expand = |t| state.vars.expand(t).map_err(Unbuilt::Unavailable);
    let mut url = if let Some(path) = &request.path {
        let path = expand(path)?;
        state
            .options
            .base_url
            .join(path.trim_start_matches('/'))
            .map_err(|e| Unbuilt::Invalid(format!("path `{path}` does not make a URL: {e}")))?
    } else if let Some(url) = &request.url {
        absolute_url(&expand(url)?)?
    } else if let Some(link) = &request.link {
        follow_or_fall_back(state, link, phase, note)?
    } else {
        return Err(Unbuilt::Invalid("the request has no target".into()));
    };
    if !request.query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (k, t) in &request.query {
            pairs.append_pair(k, &expand(t)?);
        }
    }
    let mut headers = Vec::new();
    for (name, t) in &request.headers {
        headers.push((name.clone(), expand(t)?));
    }
    if let Some(auth) = &request.auth {
        use base64::Engine;
        let user = expand(&auth.basic.user)?;
        let password = expand(&auth.basic.password)?;
        state.vars.redactor.add(&password);
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        state.vars.redactor.add(&token);
        headers.push(("Authorization".into(), format!("Basic {token}")));
    }
    let body = match &request.body {
        Some(forms) => Some(expand(body_form(forms, &headers)?)?),
        None => None,
    };
    let method = reqwest::Method::from_bytes(request.method.0.as_bytes())
        .map_err(|_| Unbuilt::Invalid(format!("`{}` is not an HTTP method", request.method.0)))?;
    Ok(Outgoing {
        method,
        url,
        headers,
        body,
    })
}

/// The body form the request's Content-Type names (a body written once is
/// sent whatever it says).
fn body_form<'f>(
    forms: &'f Forms<Template>,
    headers: &[(String, String)],
) -> Result<&'f Template, Unbuilt> {
    use crate::representation::Representation;
    if let Forms::One(t) = forms {
        return Ok(t);
    }
    let content_type = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| value.as_str());
    let Some(representation) = content_type.and_then(Representation::asked) else {
        return Err(Unbuilt::Invalid(format!(
            "the body has a form per representation, and the request's Content-Type ({}) names neither XML nor JSON",
            content_type.unwrap_or("none")
        )));
    };
    forms.pick(representation).ok_or_else(|| {
        Unbuilt::Invalid(format!(
            "the request's Content-Type `{}` names a {representation} body, and the body has no `{}` form",
            content_type.unwrap_or_default(),
            representation.ext()
        ))
    })
}

fn absolute_url(text: &str) -> Result<reqwest::Url, Unbuilt> {
    reqwest::Url::parse(text)
        .map_err(|e| Unbuilt::Invalid(format!("`{text}` is not an absolute URL: {e}")))
}

/// The link's Href; when the response has no such link, the `fallback` URL (the
/// session's own Href for a logout), so a session is closed whenever it can be.
fn follow_or_fall_back(
    state: &ScenarioState,
    link: &LinkRef,
    phase: Phase,
    note: &mut Option<String>,
) -> Result<reqwest::Url, Unbuilt> {
    let lenient = phase == Phase::Finally;
    let followed = follow_link(state, link, lenient, note);
    let Some(fallback) = &link.fallback else {
        return followed;
    };
    match followed {
        Err(Unbuilt::Unavailable(why)) => {
            let url = state
                .vars
                .expand(fallback)
                .map_err(|_| Unbuilt::Unavailable(why.clone()))?;
            *note = Some(format!("{why}; used the fallback {url}"));
            absolute_url(&url)
        }
        other => other,
    }
}

/// The `Href` of the `Link` with this `Rel` (and `Type`) in an earlier response:
/// the vendor tells clients to follow links rather than build URLs. When
/// `lenient` (a `finally` step) and no link has the Type, the one link with
/// that Rel is taken: a logout must not be skipped because a newer server
/// leaves the Type out.
fn follow_link(
    state: &ScenarioState,
    link: &LinkRef,
    lenient: bool,
    note: &mut Option<String>,
) -> Result<reqwest::Url, Unbuilt> {
    let (from, rel, link_type) = (&link.step, &link.rel, link.link_type.as_deref());
    let wanted = describe(rel, link_type);
    let exchange = state.responses.get(from).ok_or_else(|| {
        Unbuilt::Unavailable(format!(
            "step `{from}` has no response to take a {wanted} from"
        ))
    })?;
    let parsed;
    let links = match state.links.get(from) {
        Some(links) => links,
        None => {
            parsed = match crate::xml::parse_as(&exchange.body, exchange.encoding) {
                Ok(doc) => links_of(&doc),
                Err(e) => match crate::json::parse(&exchange.body) {
                    Ok(doc) => json_links(&doc),
                    Err(_) => {
                        return Err(Unbuilt::Unavailable(format!(
                            "the response of step `{from}` is neither XML ({e}) nor JSON, so it has no {wanted}"
                        )))
                    }
                },
            };
            &parsed
        }
    };
    let with_href = |l: &&FoundLink| l.rel.as_deref() == Some(rel) && l.href.is_some();
    let mut href = links
        .iter()
        .filter(with_href)
        .find(|l| link_type.is_none_or(|t| l.link_type.as_deref() == Some(t)))
        .and_then(|l| l.href.as_deref());
    if href.is_none() && lenient && link_type.is_some() {
        let same_rel: Vec<_> = links.iter().filter(with_href).collect();
        if let [only] = same_rel.as_slice() {
            href = only.href.as_deref();
            *note = Some(format!(
                "followed the only {} (its Type is {}), as no {wanted} exists",
                describe(rel, None),
                only.link_type.as_deref().unwrap_or("absent")
            ));
        }
    }
    let href = href.ok_or_else(|| {
        Unbuilt::Unavailable(format!(
            "the response of step `{from}` has no {wanted} with an Href"
        ))
    })?;
    exchange.url.join(href).map_err(|e| {
        Unbuilt::Invalid(format!(
            "{wanted} has Href `{href}`, which is not a URL: {e}"
        ))
    })
}

fn describe(rel: &str, link_type: Option<&str>) -> String {
    match link_type {
        Some(t) => format!("Link Rel='{rel}' Type='{t}'"),
        None => format!("Link Rel='{rel}'"),
    }
}

/// Every link of a JSON response (an object with a string `Rel`, at any
/// depth: Enterprise Manager's `Links` arrays), for later steps to follow.
pub(crate) fn json_links(doc: &crate::json::Json) -> Vec<FoundLink> {
    use crate::json::Json;
    let text = |v: Option<&Json>| match v {
        Some(Json::String(s)) => Some(s.clone()),
        _ => None,
    };
    let mut found = Vec::new();
    let mut stack = vec![doc];
    while let Some(value) = stack.pop() {
        match value {
            Json::Object(members) => {
                if let Some(rel) = text(value.member("Rel")) {
                    found.push(FoundLink {
                        rel: Some(rel),
                        link_type: text(value.member("Type")),
                        href: text(value.member("Href")),
                    });
                }
                stack.extend(members.iter().rev().map(|(_, v)| v));
            }
            Json::Array(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
    found
}

/// Every `Link` element of a response, for later steps to follow.
pub(crate) fn links_of(doc: &crate::xml::tree::Document) -> Vec<FoundLink> {
    doc.descendants()
        .filter(|n| n.local_name() == "Link")
        .map(|n| FoundLink {
            rel: n.attribute("Rel").map(str::to_string),
            link_type: n.attribute("Type").map(str::to_string),
            href: n.attribute("Href").map(str::to_string),
        })
        .collect()
}
