//! Commvault's session API (Login, Session(s), DELETE Sessions, Logout), as its
//! documentation describes it; where it is silent, the choices of vendor-notes.md.
// Handlers pass a ready error response back up; boxing it would buy nothing.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use serde_json::{json, Value};

use super::company::{Door, Member, CHURN_ACCOUNT, OTHER_ADMINISTRATOR};
use super::representation::{to_xml, Node};
use super::sessions::{constant_time_eq, random_hex, random_uuid, Activity, Lookup, StoredSession};
use super::vendor::{wants_json, Host};
use super::{Fault, ServerOptions};

type Shared = super::vendor::Shared<Session>;

/// The web service roots a Commvault server answers on.
pub const WEB_SERVICES: [&str; 3] = [
    "/webconsole/api",
    "/commandcenter/api",
    "/SearchSvc/CVWebService.svc",
];

#[derive(Debug, Clone)]
struct Session {
    id: String,
    token: String,
    user_name: String,
    user_id: u32,
    admin: bool,
    login_time: u64,
    last_accessed: u64,
    /// Another client's (the server's company), not the suite's.
    company: bool,
    activity: Activity,
}

impl StoredSession for Session {
    fn id(&self) -> &str {
        &self.id
    }
    fn token(&self) -> &str {
        &self.token
    }
    fn activity(&self) -> &Activity {
        &self.activity
    }
    fn touch(&mut self) {
        self.activity.touch();
        self.last_accessed = now();
    }
    fn company(&self) -> bool {
        self.company
    }
}

/// The user ids of the company's accounts: the suite's administrator is 1
/// and its second account 2, as [`open_session`] gives them.
const OTHER_ADMINISTRATOR_ID: u32 = 3;
const CHURN_ID: u32 = 4;

impl Door for Shared {
    fn seat(&self, member: Member) -> Option<String> {
        let creds = &self.options.credentials;
        let (user_name, user_id, admin) = match member {
            Member::OtherAdministrator => (OTHER_ADMINISTRATOR, OTHER_ADMINISTRATOR_ID, true),
            Member::OwnAdministrator => (creds.user.as_str(), 1, true),
            Member::Tenant => (creds.tenant_user.as_str(), 2, false),
            Member::Churn => (CHURN_ACCOUNT, CHURN_ID, false),
        };
        let t = now();
        let id = random_uuid().to_ascii_uppercase();
        self.sessions.seat(Session {
            id: id.clone(),
            token: format!("QSDK {}", random_hex(96)),
            user_name: user_name.to_string(),
            user_id,
            admin,
            login_time: t,
            last_accessed: t,
            company: true,
            activity: Activity::now(),
        });
        Some(id)
    }

    fn unseat(&self, id: &str) {
        self.sessions.unseat(id);
    }
}

type SharedState = State<Arc<Shared>>;

pub fn router(options: ServerOptions) -> (Router, Arc<dyn Host>) {
    let shared: Arc<Shared> = Shared::new(options);
    let mut router = Router::new();
    for ws in WEB_SERVICES {
        router = router
            .route(&format!("{ws}/"), get(service_root))
            .route(ws, get(service_root))
            .route(&format!("{ws}/Login"), post(login))
            .route(&format!("{ws}/Logout"), post(logout))
            .route(&format!("{ws}/Session"), get(list_sessions))
            .route(
                &format!("{ws}/Sessions"),
                get(list_sessions).delete(logoff_sessions),
            );
    }
    let router = router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(shared.clone());
    (router, shared)
}

/// The console type a REST client's session shows (an integer on every version).
const CONSOLE_TYPE: &str = "13";

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn respond(
    shared: &Shared,
    headers: &HeaderMap,
    status: StatusCode,
    xml: &Node,
    json: Value,
) -> Response {
    if wants_json(headers) {
        let json = break_json(shared, json);
        (
            status,
            [(header::CONTENT_TYPE, "application/json;charset=utf-8")],
            super::representation::json_text(&json, &shared.options.style),
        )
            .into_response()
    } else {
        let body = to_xml(xml, "", &shared.options.style);
        (
            status,
            [(header::CONTENT_TYPE, "application/xml;charset=utf-8")],
            body,
        )
            .into_response()
    }
}

/// The JSON faults: numbers written as strings (at any depth), listed sessions without their id.
fn break_json(shared: &Shared, json: Value) -> Value {
    fn strings(value: Value) -> Value {
        match value {
            Value::Number(n) => Value::String(n.to_string()),
            Value::Array(items) => Value::Array(items.into_iter().map(strings).collect()),
            Value::Object(map) => {
                Value::Object(map.into_iter().map(|(k, v)| (k, strings(v))).collect())
            }
            other => other,
        }
    }
    let mut json = if shared.has(Fault::JsonNumbersAsStrings) {
        strings(json)
    } else {
        json
    };
    if shared.has(Fault::JsonNoSessionId) {
        if let Some(Value::Array(items)) = json.get_mut("sessions") {
            for item in items.iter_mut().filter_map(Value::as_object_mut) {
                item.remove("sessionId");
            }
        }
    }
    json
}

/// The generic error body: `{"errorCode":N,"errorMessage":"..."}`, or the same as XML attributes.
fn error(shared: &Shared, headers: &HeaderMap, status: StatusCode, message: &str) -> Response {
    let code = status.as_u16();
    let xml = Node::new("Response")
        .attr("errorCode", code.to_string())
        .attr("errorMessage", message);
    respond(
        shared,
        headers,
        status,
        &xml,
        json!({"errorCode": code, "errorMessage": message}),
    )
}

/// The request body, or the documented error for one that is too large or broken off.
fn read_body(
    shared: &Shared,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Bytes, Response> {
    body.map_err(|e| {
        error(
            shared,
            headers,
            e.status(),
            "The request body could not be read.",
        )
    })
}

async fn not_found(State(shared): SharedState, headers: HeaderMap) -> Response {
    error(
        &shared,
        &headers,
        StatusCode::NOT_FOUND,
        "The requested resource was not found.",
    )
}

async fn method_not_allowed(State(shared): SharedState, headers: HeaderMap) -> Response {
    error(
        &shared,
        &headers,
        StatusCode::METHOD_NOT_ALLOWED,
        "The HTTP method is not allowed for this resource.",
    )
}

async fn service_root(State(shared): SharedState, headers: HeaderMap) -> Response {
    if shared.has(Fault::ServiceRootMissing) {
        return not_found(State(shared), headers).await;
    }
    let xml = Node::new("WebService").attr("status", "running");
    respond(
        &shared,
        &headers,
        StatusCode::OK,
        &xml,
        json!({"status": "running"}),
    )
}

/// Username and base64 password from an XML or JSON Login body.
fn login_request(body: &str) -> Result<(String, String), String> {
    let trimmed = body.trim_start();
    if trimmed.starts_with('{') {
        let v: Value = serde_json::from_str(trimmed).map_err(|e| format!("malformed JSON: {e}"))?;
        let field = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        return match (field("username"), field("password")) {
            (Some(u), Some(p)) => Ok((u, p)),
            _ => Err("the Login request needs username and password".into()),
        };
    }
    let doc = roxmltree::Document::parse(trimmed).map_err(|e| format!("malformed XML: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "DM2ContentIndexing_CheckCredentialReq" {
        return Err(format!(
            "expected DM2ContentIndexing_CheckCredentialReq, found <{}>",
            root.tag_name().name()
        ));
    }
    match (root.attribute("username"), root.attribute("password")) {
        (Some(u), Some(p)) => Ok((u.to_string(), p.to_string())),
        _ => Err("the Login request needs username and password".into()),
    }
}

async fn login(
    State(shared): SharedState,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match read_body(&shared, &headers, body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let (user, encoded) = match login_request(&String::from_utf8_lossy(&body)) {
        Ok(r) => r,
        Err(why) => return error(&shared, &headers, StatusCode::BAD_REQUEST, &why),
    };
    let password = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default();
    let creds = &shared.options.credentials;
    let admin = constant_time_eq(user.as_bytes(), creds.user.as_bytes())
        & constant_time_eq(password.as_bytes(), creds.password.as_bytes());
    let other = constant_time_eq(user.as_bytes(), creds.tenant_user.as_bytes())
        & constant_time_eq(password.as_bytes(), creds.tenant_password.as_bytes());
    let accept_any = shared.has(Fault::AcceptAnyPassword);
    if !admin && !other && !accept_any {
        // A failed logon is a 200 with an error list, as documented.
        let message = "Login failed. Invalid username or password.";
        if shared.has(Fault::FailedLoginWithoutErrList) {
            let xml = Node::new("DM2ContentIndexing_CheckCredentialResp");
            return respond(&shared, &headers, StatusCode::OK, &xml, json!({}));
        }
        let xml = Node::new("DM2ContentIndexing_CheckCredentialResp").child(
            Node::new("errList")
                .attr("errorCode", "5")
                .attr("errLogMessage", message),
        );
        return respond(
            &shared,
            &headers,
            StatusCode::OK,
            &xml,
            json!({"errList": [{"errLogMessage": message, "errorCode": 5}]}),
        );
    }
    let is_admin = admin || (accept_any && !other);
    open_session(&shared, &headers, user, is_admin)
}

/// A new session: the documented CheckCredentialResp with its `QSDK` token.
fn open_session(shared: &Shared, headers: &HeaderMap, user: String, is_admin: bool) -> Response {
    let user_id: u32 = if is_admin { 1 } else { 2 };
    let token = format!("QSDK {}", random_hex(96));
    let t = now();
    let session = Session {
        id: random_uuid().to_ascii_uppercase(),
        token: token.clone(),
        user_name: user.clone(),
        user_id,
        admin: is_admin,
        login_time: t,
        last_accessed: t,
        company: false,
        activity: Activity::now(),
    };
    let guid = random_uuid();
    shared.sessions.insert(session);
    let organization = |name: &str| {
        Node::new(name)
            .attr("providerId", "0")
            .attr("providerDomainName", "Commcell")
    };
    let xml = Node::new("DM2ContentIndexing_CheckCredentialResp")
        .attr("aliasName", user_id.to_string())
        .attr("userGUID", guid.clone())
        .attr("loginAttempts", "0")
        .attr("remainingLockTime", "0")
        .attr("userName", user.clone())
        .attr("providerType", "1")
        .attr("ccn", "0")
        .attr("token", token.clone())
        .attr("forcePasswordChange", "false")
        .attr("isAccountLocked", "false")
        .child(organization("ownerOrganization"))
        .child(organization("providerOrganization"));
    let org = json!({"providerId": 0, "providerDomainName": "Commcell"});
    let mut body = json!({
        "aliasName": user_id.to_string(), "userGUID": guid, "loginAttempts": 0, "remainingLockTime": 0,
        "userName": user, "providerType": 1, "ccn": 0, "token": token,
        "forcePasswordChange": false, "isAccountLocked": false,
        "ownerOrganization": org.clone(), "providerOrganization": org,
    });
    // Newer servers send an empty error list with a successful login.
    if shared.options.profile.cv_sp32() {
        body["errList"] = json!([]);
    }
    respond(shared, headers, StatusCode::OK, &xml, body)
}

/// The 401 for a missing, unknown or ended token.
fn unauthorized(shared: &Shared, headers: &HeaderMap) -> Response {
    const MESSAGE: &str = "Invalid authorization token provided.";
    if shared.options.profile.cv_plain_401() {
        return plain(StatusCode::UNAUTHORIZED, MESSAGE);
    }
    error(shared, headers, StatusCode::UNAUTHORIZED, MESSAGE)
}

/// A text/plain answer, as Logout's.
fn plain(status: StatusCode, text: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain")], text).into_response()
}

fn authenticate(shared: &Shared, headers: &HeaderMap) -> Result<Session, Response> {
    let unauthorized = || unauthorized(shared, headers);
    let token = headers
        .get("Authtoken")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let Some(token) = token else {
        return if shared.has(Fault::IgnoreMissingToken) {
            Ok(anonymous())
        } else {
            Err(unauthorized())
        };
    };
    match shared.sessions.by_token(&token) {
        Lookup::Found(session) => Ok(session),
        Lookup::Unknown if shared.has(Fault::AcceptAnyToken) => Ok(anonymous()),
        Lookup::Expired | Lookup::Unknown => Err(unauthorized()),
    }
}

fn anonymous() -> Session {
    Session {
        id: String::new(),
        token: String::new(),
        user_name: "anonymous".into(),
        user_id: 1,
        admin: true,
        login_time: 0,
        last_accessed: 0,
        company: false,
        activity: Activity::now(),
    }
}

async fn list_sessions(
    State(shared): SharedState,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let caller = match authenticate(&shared, &headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let user_filter: Option<u32> = match query.get("userId") {
        Some(v) => match v.parse() {
            Ok(n) => Some(n),
            Err(_) => {
                return error(
                    &shared,
                    &headers,
                    StatusCode::BAD_REQUEST,
                    "userId is not a number.",
                )
            }
        },
        None => None,
    };
    let mut listed: Vec<Session> = shared
        .sessions
        .open()
        .into_iter()
        .filter(|s| caller.admin || s.user_id == caller.user_id)
        .filter(|s| user_filter.is_none_or(|u| s.user_id == u))
        .filter(|s| !(shared.has(Fault::ListOmitsCaller) && s.id == caller.id))
        .collect();
    if shared.options.style.reverse_lists {
        listed.reverse();
    }
    let with_user = !shared.has(Fault::SessionsWithoutUser);
    let profile = shared.options.profile;
    // No document publishes the XML root; each profile uses its own on purpose.
    let xml = Node::new(profile.cv_list_root()).children(listed.iter().map(|s| {
        let mut node = Node::new("sessions")
            .attr("sessionId", s.id.clone())
            .attr("loginTime", s.login_time.to_string());
        if profile.cv_sp32() {
            node = node.attr("lastAccessedTime", s.last_accessed.to_string());
        }
        let node = node
            .attr("logoutTime", "0")
            .attr("host", "localhost")
            .attr("consoleType", CONSOLE_TYPE);
        let user = Node::new("user")
            .attr("userName", s.user_name.clone())
            .attr("userId", s.user_id.to_string());
        node.children(with_user.then_some(user))
    }));
    let items: Vec<Value> = listed
        .iter()
        .map(|s| {
            let mut item = json!({"sessionId": s.id, "loginTime": s.login_time,
                   "logoutTime": 0, "host": "localhost", "consoleType": CONSOLE_TYPE.parse::<u32>().unwrap_or(0),
                   "user": {"userName": s.user_name, "userId": s.user_id}});
            if profile.cv_sp32() {
                item["lastAccessedTime"] = json!(s.last_accessed);
            }
            if !with_user {
                item.as_object_mut().map(|m| m.remove("user"));
            }
            item
        })
        .collect();
    respond(
        &shared,
        &headers,
        StatusCode::OK,
        &xml,
        json!({"sessions": items}),
    )
}

/// Session ids listed in an `Api_LogoffUsersRequest`, XML or JSON.
fn logoff_request(body: &str) -> Result<Vec<String>, String> {
    let trimmed = body.trim_start();
    if trimmed.starts_with('{') {
        let v: Value = serde_json::from_str(trimmed).map_err(|e| format!("malformed JSON: {e}"))?;
        let list = v
            .get("sessions")
            .and_then(Value::as_array)
            .ok_or("expected a sessions list")?;
        return list
            .iter()
            .map(|s| {
                s.get("val")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| "a session has no val".to_string())
            })
            .collect();
    }
    let doc = roxmltree::Document::parse(trimmed).map_err(|e| format!("malformed XML: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "Api_LogoffUsersRequest" {
        return Err(format!(
            "expected Api_LogoffUsersRequest, found <{}>",
            root.tag_name().name()
        ));
    }
    root.children()
        .filter(|c| c.is_element() && c.tag_name().name() == "sessions")
        .map(|c| {
            c.attribute("val")
                .map(str::to_string)
                .ok_or_else(|| "a sessions element has no val".to_string())
        })
        .collect()
}

async fn logoff_sessions(
    State(shared): SharedState,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let caller = match authenticate(&shared, &headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let body = match read_body(&shared, &headers, body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let ids = match logoff_request(&String::from_utf8_lossy(&body)) {
        Ok(ids) => ids,
        Err(why) => return error(&shared, &headers, StatusCode::BAD_REQUEST, &why),
    };
    // Checked and ended in one step, so a concurrent logon cannot slip between.
    let permitted = shared.sessions.with(|sessions| {
        let others = ids
            .iter()
            .filter_map(|id| sessions.get(id))
            .any(|s| !caller.admin && s.user_id != caller.user_id);
        if others {
            return false;
        }
        if shared.has(Fault::LogoffAll) {
            sessions.clear();
        } else if !shared.has(Fault::KeepEndedSessions) {
            for id in &ids {
                sessions.remove(id);
            }
        }
        true
    });
    if !permitted {
        return error(
            &shared,
            &headers,
            StatusCode::FORBIDDEN,
            "Not permitted to log off another user's session.",
        );
    }
    if shared.has(Fault::LogoffWrongResponse) {
        let generic = Node::new("App_GenericResp").attr("errorCode", "0");
        let json = json!({"errorCode": 0});
        return respond(&shared, &headers, StatusCode::OK, &generic, json);
    }
    respond(
        &shared,
        &headers,
        StatusCode::OK,
        &Node::new("Api_LogoffUsersResponse"),
        json!({}),
    )
}

async fn logout(State(shared): SharedState, headers: HeaderMap) -> Response {
    let caller = match authenticate(&shared, &headers) {
        Ok(c) => c,
        Err(_) => {
            return plain(
                StatusCode::UNAUTHORIZED,
                "Invalid authorization token provided.",
            )
        }
    };
    if !shared.has(Fault::KeepEndedSessions) && !shared.has(Fault::LogoutKeepsSession) {
        shared.sessions.remove(&caller.id);
    }
    if shared.has(Fault::LogoutSaysOk) {
        return plain(StatusCode::OK, "OK");
    }
    plain(StatusCode::OK, "User logged out")
}
