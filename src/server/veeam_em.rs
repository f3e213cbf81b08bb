//! Veeam Backup Enterprise Manager's session API, as its documentation describes
//! it (see vendor-notes.md; where the documents are silent, the notes' choices).
// Handlers pass a ready error response back up; boxing it would buy nothing.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;

use super::company::{Door, Member, CHURN_ACCOUNT, OTHER_ADMINISTRATOR};
use super::representation::{to_xml, Node};
use super::sessions::{
    constant_time_eq, random_bytes, random_uuid, Activity, Lookup, StoredSession,
};
use super::vendor::{wants_json, Host};
use super::{Fault, ServerOptions};

type Shared = super::vendor::Shared<Session>;

pub const NAMESPACE: &str = "http://www.veeam.com/ent/v1.0";

/// The administrator's links, in the documentation's order: (Rel, Type, path, Name).
const ADMIN_LINKS: &[(&str, Option<&str>, &str, Option<&str>)] = &[
    (
        "Down",
        Some("BackupServerReferenceList"),
        "backupServers",
        None,
    ),
    (
        "Down",
        Some("ManagedServerReferenceList"),
        "managedServers",
        None,
    ),
    ("Down", Some("JobReferenceList"), "jobs", None),
    (
        "Down",
        Some("FailoverPlanReferenceList"),
        "failoverPlans",
        None,
    ),
    (
        "Down",
        Some("HierarchyRootReferenceList"),
        "hierarchyRoots",
        None,
    ),
    (
        "Down",
        Some("RepositoryReferenceList"),
        "repositories",
        None,
    ),
    ("Down", Some("BackupReferenceList"), "backups", None),
    (
        "Down",
        Some("RestorePointReferenceList"),
        "restorePoints",
        None,
    ),
    (
        "Down",
        Some("VmRestorePointReferenceList"),
        "vmRestorePoints",
        None,
    ),
    (
        "Down",
        Some("VAppRestorePointReferenceList"),
        "vAppRestorePoints",
        None,
    ),
    ("Down", Some("ReplicaReferenceList"), "replicas", None),
    (
        "Down",
        Some("VmReplicaPointReferenceList"),
        "vmReplicaPoints",
        None,
    ),
    ("Down", Some("CatalogVmReferenceList"), "catalog/vms", None),
    (
        "Down",
        Some("BackupJobSessionReferenceList"),
        "backupSessions",
        None,
    ),
    (
        "Down",
        Some("RestoreSessionReferenceList"),
        "restoreSessions",
        None,
    ),
    (
        "Down",
        Some("ReplicaJobSessionReferenceList"),
        "replicaSessions",
        None,
    ),
    (
        "Down",
        Some("BackupTaskSessionReferenceList"),
        "backupTaskSessions",
        None,
    ),
    (
        "Down",
        Some("ReplicaTaskSessionReferenceList"),
        "replicaTaskSessions",
        None,
    ),
    ("Down", Some("EnterpriseSecuritySettings"), "security", None),
    (
        "Down",
        Some("WanAcceleratorReferenceList"),
        "wanAccelerators",
        None,
    ),
    ("Down", Some("TaskList"), "tasks", None),
    ("Down", Some("QueryService"), "querySvc", None),
    ("Down", Some("LookupService"), "lookupSvc", None),
    ("Down", Some("Report"), "reports/summary", Some("Summary")),
    (
        "Down",
        Some("BackupServerList"),
        "backupServers?format=Entity",
        None,
    ),
    (
        "Down",
        Some("ManagedServerList"),
        "managedServers?format=Entity",
        None,
    ),
    ("Create", None, "backupServers?action=create", None),
    ("Down", Some("JobList"), "jobs?format=Entity", None),
    (
        "Down",
        Some("FailoverPlanList"),
        "failoverPlans?format=Entity",
        None,
    ),
    (
        "Down",
        Some("HierarchyRootList"),
        "hierarchyRoots?format=Entity",
        None,
    ),
    (
        "Down",
        Some("RepositoryList"),
        "repositories?format=Entity",
        None,
    ),
    ("Down", Some("BackupList"), "backups?format=Entity", None),
    (
        "Down",
        Some("RestorePointList"),
        "restorePoints?format=Entity",
        None,
    ),
    (
        "Down",
        Some("VmRestorePointList"),
        "vmRestorePoints?format=Entity",
        None,
    ),
    (
        "Down",
        Some("VAppRestorePointList"),
        "vAppRestorePoints?format=Entity",
        None,
    ),
    ("Down", Some("ReplicaList"), "replicas?format=Entity", None),
    (
        "Down",
        Some("VmReplicaPointList"),
        "vmReplicaPoints?format=Entity",
        None,
    ),
    (
        "Down",
        Some("CatalogVmList"),
        "catalog/vms?format=Entity",
        None,
    ),
    (
        "Down",
        Some("BackupJobSessionList"),
        "backupSessions?format=Entity",
        None,
    ),
    (
        "Down",
        Some("RestoreSessionList"),
        "restoreSessions?format=Entity",
        None,
    ),
    (
        "Down",
        Some("ReplicaJobSessionList"),
        "replicaSessions?format=Entity",
        None,
    ),
    (
        "Down",
        Some("BackupTaskSessionList"),
        "backupTaskSessions?format=Entity",
        None,
    ),
    (
        "Down",
        Some("ReplicaTaskSessionList"),
        "replicaTaskSessions?format=Entity",
        None,
    ),
    (
        "Down",
        Some("WanAcceleratorList"),
        "wanAccelerators?format=Entity",
        None,
    ),
    ("Down", Some("CloudConnectService"), "cloud", None),
];

/// Links a newer server version adds; a suite must tolerate them.
const NEWER_LINKS: &[(&str, Option<&str>, &str, Option<&str>)] = &[
    (
        "Down",
        Some("AgentBackupJobReferenceList"),
        "agents/jobs",
        None,
    ),
    (
        "Down",
        Some("VSphereSelfServiceTenantList"),
        "vsphereSelfServiceTenants",
        None,
    ),
];

const CLOUD_LINKS: &[(&str, &str)] = &[
    ("CloudFailoverPlanReferenceList", "cloud/cloudFailoverPlans"),
    ("CloudVmReplicaPointReferenceList", "cloud/vmReplicaPoints"),
    ("CloudReplicaReferenceList", "cloud/replicas"),
    (
        "CloudFailoverPlanList",
        "cloud/cloudFailoverPlans?format=Entity",
    ),
    (
        "CloudVmReplicaPointList",
        "cloud/vmReplicaPoints?format=Entity",
    ),
    ("CloudReplicaList", "cloud/replicas?format=Entity"),
];

#[derive(Debug, Clone)]
struct Session {
    id: String,
    token: String,
    user_name: String,
    tenant: bool,
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
    }
    fn company(&self) -> bool {
        self.company
    }
}

impl Door for Shared {
    fn seat(&self, member: Member) -> Option<String> {
        let domain = self.options.profile.em_domain();
        let creds = &self.options.credentials;
        let own = creds.user.rsplit('\\').next().unwrap_or(&creds.user);
        let (user_name, tenant) = match member {
            Member::OtherAdministrator => (format!("{domain}\\{OTHER_ADMINISTRATOR}"), false),
            Member::OwnAdministrator => (format!("{domain}\\{own}"), false),
            Member::Churn => (format!("{domain}\\{CHURN_ACCOUNT}"), false),
            // Tenants exist only where Cloud Connect is set up.
            Member::Tenant if self.options.profile.em_cloud_connect() => {
                (creds.tenant_user.clone(), true)
            }
            Member::Tenant => return None,
        };
        let id = random_uuid();
        self.sessions.seat(Session {
            token: new_token(self, &id),
            id: id.clone(),
            user_name,
            tenant,
            company: true,
            activity: Activity::now(),
        });
        Some(id)
    }

    fn unseat(&self, id: &str) {
        self.sessions.unseat(id);
    }
}

/// A session's token, as the profile's version makes them.
fn new_token(shared: &Shared, id: &str) -> String {
    if shared.options.profile.em_opaque_tokens() {
        base64::engine::general_purpose::STANDARD.encode(random_bytes::<16>())
    } else {
        base64::engine::general_purpose::STANDARD.encode(id.as_bytes())
    }
}

impl Shared {
    /// The presentation: from 9.5 U4 on, attributes come Href/Type/Rel with
    /// xsd/xsi declarations, whatever the base style says.
    fn style(&self) -> super::Style {
        let mut style = self.options.style.clone();
        if self.options.profile.em_u4_shapes() {
            style.reverse_attributes = !style.reverse_attributes;
            style.schema_namespaces = true;
        }
        style
    }

    fn namespace(&self) -> &'static str {
        if self.has(Fault::WrongNamespace) {
            "http://www.veeam.com/ent/v2.0"
        } else {
            NAMESPACE
        }
    }
}

pub fn router(options: ServerOptions) -> (Router, Arc<dyn Host>) {
    let shared: Arc<Shared> = Shared::new(options);
    let router = Router::new()
        .route("/api", get(entry_point))
        .route("/api/", get(entry_point))
        .route("/api/sessionMngr", post(logon))
        .route("/api/sessionMngr/", post(logon))
        .route("/api/logonSessions", get(list_sessions))
        .route("/api/logonSessions/", get(list_sessions))
        .route(
            "/api/logonSessions/{id}",
            get(get_session).delete(delete_session),
        )
        .route("/api/cloud", get(cloud))
        .route("/api/backupServers", get(backup_servers))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(shared.clone());
    (router, shared)
}

type Shared_ = State<Arc<Shared>>;

/// `scheme://host` as the client addressed this server, for the links it writes.
fn origin(shared: &Shared, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && !h.contains(['/', ' ', '"', '<']))
        .unwrap_or("localhost");
    let scheme = if shared.options.tls.is_some() {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

fn link(origin: &str, rel: &str, link_type: Option<&str>, path: &str, name: Option<&str>) -> Node {
    let mut node = Node::new("Link").attr("Rel", rel);
    if let Some(t) = link_type {
        node = node.attr("Type", t);
    }
    node = node.attr("Href", format!("{origin}/api/{path}"));
    if let Some(n) = name {
        node = node.attr("Name", n);
    }
    node
}

/// A representation as XML, or as JSON when the client asks for it.
fn respond(shared: &Shared, headers: &HeaderMap, status: StatusCode, node: &Node) -> Response {
    if wants_json(headers) {
        let mut json = to_json(node);
        break_json(shared, &mut json);
        let body = super::representation::json_text(&json, &shared.options.style);
        (
            status,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            body,
        )
            .into_response()
    } else {
        let body = to_xml(node, shared.namespace(), &shared.style());
        (
            status,
            [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
            body,
        )
            .into_response()
    }
}

/// The JSON faults, on a LogonSession (alone or listed) and on an Error.
fn break_json(shared: &Shared, json: &mut serde_json::Value) {
    use serde_json::Value;
    let listed = json.get("LogonSessions").is_some();
    let sessions: Vec<&mut Value> = match json {
        Value::Object(map) if listed => match map.get_mut("LogonSessions") {
            Some(Value::Array(items)) => items.iter_mut().collect(),
            _ => Vec::new(),
        },
        _ if json.get("SessionId").is_some() => vec![json],
        _ => {
            if shared.has(Fault::JsonNumbersAsStrings) {
                if let Some(code) = json.get_mut("StatusCode") {
                    *code = Value::String(code.to_string());
                }
            }
            return;
        }
    };
    for session in sessions {
        if shared.has(Fault::JsonDeleteLinkElsewhere) {
            let links = session.get_mut("Links").and_then(Value::as_array_mut);
            for link in links.into_iter().flatten() {
                if link.get("Rel").and_then(Value::as_str) == Some("Delete") {
                    let href = link["Href"].as_str().unwrap_or_default();
                    let elsewhere = match href.rsplit_once('/') {
                        Some((base, _)) => format!("{base}/00000000-0000-4000-8000-00000000d1e7"),
                        None => href.to_string(),
                    };
                    link["Href"] = Value::String(elsewhere);
                }
            }
        }
        if shared.has(Fault::JsonNoSessionId) {
            if let Some(map) = session.as_object_mut() {
                map.remove("SessionId");
            }
        }
    }
}

/// The documented JSON mapping: child elements become properties, `Links` an array,
/// list resources an array under their name, `Href` and `Type` last.
fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::{Map, Value};
    if node.name == "LogonSessions" {
        let items: Vec<Value> = node.children.iter().map(to_json).collect();
        let mut map = Map::new();
        map.insert("LogonSessions".into(), Value::Array(items));
        return Value::Object(map);
    }
    if node.name == "Error" {
        let mut map = Map::new();
        map.insert("FirstChanceExceptionMessage".into(), Value::Null);
        map.insert(
            "Message".into(),
            Value::String(node.get("Message").unwrap_or("").into()),
        );
        map.insert("StackTrace".into(), Value::Null);
        map.insert("Status".into(), Value::Null);
        let code: Option<i64> = node.get("StatusCode").and_then(|c| c.parse().ok());
        map.insert("StatusCode".into(), code.map_or(Value::Null, Value::from));
        return Value::Object(map);
    }
    let mut map = Map::new();
    for child in &node.children {
        let value = match child.name.as_str() {
            "Links" => Value::Array(
                child
                    .children
                    .iter()
                    .map(|l| {
                        let mut link = Map::new();
                        for key in ["Rel", "Href", "Type", "Name"] {
                            if let Some(v) = l.get(key) {
                                link.insert(key.into(), Value::String(v.into()));
                            }
                        }
                        Value::Object(link)
                    })
                    .collect(),
            ),
            "SupportedVersions" => Value::Array(child.children.iter().map(to_json).collect()),
            _ if !child.children.is_empty() => to_json(child),
            _ => Value::String(child.text.clone().unwrap_or_default()),
        };
        map.insert(child.name.clone(), value);
    }
    for (k, v) in &node.attrs {
        if k != "Href" && k != "Type" {
            map.insert(k.clone(), Value::String(v.clone()));
        }
    }
    for key in ["Href", "Type"] {
        if let Some(v) = node.get(key) {
            map.insert(key.into(), Value::String(v.into()));
        }
    }
    Value::Object(map)
}

fn error(shared: &Shared, headers: &HeaderMap, status: StatusCode, message: &str) -> Response {
    let mut node = Node::new("Error").attr("Message", message);
    if !shared.has(Fault::ErrorWithoutStatusCode) {
        node = node.attr("StatusCode", status.as_u16().to_string());
    }
    let mut response = respond(shared, headers, status, &node);
    if status == StatusCode::UNAUTHORIZED && !shared.has(Fault::NoBasicChallenge) {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            "Basic Realm=RestSvc".parse().expect("a valid header"),
        );
    }
    response
}

async fn not_found(State(shared): Shared_, headers: HeaderMap) -> Response {
    error(
        &shared,
        &headers,
        StatusCode::NOT_FOUND,
        "The requested resource was not found.",
    )
}

async fn method_not_allowed(State(shared): Shared_, headers: HeaderMap) -> Response {
    error(
        &shared,
        &headers,
        StatusCode::METHOD_NOT_ALLOWED,
        "The HTTP method is not allowed for this resource.",
    )
}

async fn entry_point(State(shared): Shared_, headers: HeaderMap) -> Response {
    let o = origin(&shared, &headers);
    let profile = shared.options.profile;
    let versions = profile.em_versions().iter().map(|v| {
        Node::new("SupportedVersion")
            .attr("Name", *v)
            .child(Node::new("Links").child(link(
                &o,
                "Create",
                Some("LogonSession"),
                &format!("sessionMngr/?v={v}"),
                None,
            )))
    });
    let mut node = Node::new("EnterpriseManager");
    if !profile.em_u4_shapes() {
        node = node
            .attr("Type", "EnterpriseManager")
            .attr("Href", format!("{o}/api/"));
    }
    let node = node
        .child(Node::new("Links").children(entry_links(&shared, &o)))
        .child(Node::new("SupportedVersions").children(versions));
    respond(&shared, &headers, StatusCode::OK, &node)
}

/// The entry point's own links: the session list, and where to log on.
fn entry_links(shared: &Shared, o: &str) -> Vec<Node> {
    let mut links = vec![link(
        o,
        "Down",
        Some("LogonSessionList"),
        "logonSessions",
        None,
    )];
    if !shared.has(Fault::EntryPointNoCreateLink) {
        let create = link(
            o,
            "Create",
            Some("LogonSession"),
            "sessionMngr/?v=latest",
            None,
        );
        links.push(create);
    }
    if shared.options.style.reverse_links {
        links.reverse();
    }
    links
}

fn session_node(shared: &Shared, origin: &str, session: &Session) -> Node {
    let href = format!("{origin}/api/logonSessions/{}", session.id);
    let profile = shared.options.profile;
    let mut links = Vec::new();
    if !shared.has(Fault::NoUpLink) {
        links.push(link(origin, "Up", Some("EnterpriseManager"), "", None));
    }
    if session.tenant && shared.has(Fault::TenantNoCloudLink) {
        // The tenant's only link beyond Up and Delete is gone.
    } else if session.tenant {
        links.push(link(
            origin,
            "Down",
            Some("CloudConnectService"),
            "cloud",
            None,
        ));
    } else {
        links.extend(
            ADMIN_LINKS
                .iter()
                .filter(|(_, t, _, _)| {
                    profile.em_cloud_connect() || *t != Some("CloudConnectService")
                })
                .map(|(r, t, p, n)| link(origin, r, *t, p, *n)),
        );
        if shared.options.style.extra_links || profile.em_newer_links() {
            links.extend(
                NEWER_LINKS
                    .iter()
                    .map(|(r, t, p, n)| link(origin, r, *t, p, *n)),
            );
        }
        if shared.options.style.extra_links {
            links.push(link(
                origin,
                "Down",
                Some("FutureResourceList"),
                "future",
                None,
            ));
        }
    }
    if !shared.has(Fault::NoDeleteLink) {
        let mut delete = Node::new("Link").attr("Rel", "Delete");
        if !profile.em_u4_shapes() {
            delete = delete.attr("Type", "LogonSession");
        }
        links.push(delete.attr("Href", href.clone()));
    }
    if shared.options.style.reverse_links {
        links.reverse();
    }
    let user_name = Node::new("UserName").text(session.user_name.clone());
    let session_id = Node::new("SessionId").text(session.id.clone());
    let fields = if shared.has(Fault::SessionIdFirst) {
        [session_id, user_name]
    } else {
        [user_name, session_id]
    };
    Node::new("LogonSession")
        .attr("Type", "LogonSession")
        .attr("Href", href)
        .child(Node::new("Links").children(links))
        .children(fields)
}

/// The tenant's credentials from a `LoginSpec` body, XML or JSON; `Err` for a malformed body.
fn tenant_credentials(body: &str) -> Result<Option<(String, String)>, String> {
    let trimmed = body.trim_start();
    if trimmed.starts_with('{') {
        let value: serde_json::Value =
            serde_json::from_str(trimmed).map_err(|e| format!("malformed JSON: {e}"))?;
        let Some(tc) = value.get("TenantCredentials") else {
            return Ok(None);
        };
        let field = |k: &str| tc.get(k).and_then(|v| v.as_str()).map(str::to_string);
        return match (field("Username"), field("Password")) {
            (Some(u), Some(p)) => Ok(Some((u, p))),
            _ => Err("TenantCredentials needs Username and Password".into()),
        };
    }
    let doc = roxmltree::Document::parse(trimmed).map_err(|e| format!("malformed XML: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "LoginSpec" {
        return Err(format!(
            "expected a LoginSpec, found <{}>",
            root.tag_name().name()
        ));
    }
    let Some(tc) = root
        .children()
        .find(|c| c.is_element() && c.tag_name().name() == "TenantCredentials")
    else {
        return Ok(None);
    };
    let field = |k: &str| {
        tc.children()
            .find(|c| c.is_element() && c.tag_name().name() == k)
            .map(|c| c.text().unwrap_or("").to_string())
    };
    match (field("Username"), field("Password")) {
        (Some(u), Some(p)) => Ok(Some((u, p))),
        _ => Err("TenantCredentials needs Username and Password".into()),
    }
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

/// Whether `user` names the account `expected`, with or without a `DOMAIN\` prefix.
fn same_account(user: &str, expected: &str) -> bool {
    let bare = user.rsplit('\\').next().unwrap_or(user);
    bare.eq_ignore_ascii_case(expected) || user.eq_ignore_ascii_case(expected)
}

async fn logon(
    State(shared): Shared_,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    match logon_account(&shared, &query, &headers, body) {
        Ok((user_name, tenant)) => open_session(&shared, &headers, user_name, tenant),
        Err(response) => response,
    }
}

/// Who logs on: a tenant by its `LoginSpec` body, else an administrator by
/// Basic auth. `Err` is the error response (bad version, body or credentials).
fn logon_account(
    shared: &Shared,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(String, bool), Response> {
    let fail = |status: StatusCode, message: &str| Err(error(shared, headers, status, message));
    if let Some(v) = query.get("v") {
        let listed = shared.options.profile.em_versions().contains(&v.as_str());
        if v != "latest" && (!listed || shared.has(Fault::LatestOnly)) {
            return fail(
                StatusCode::BAD_REQUEST,
                &format!("Unsupported API version '{v}'."),
            );
        }
    }
    let body = match body {
        Ok(b) => b,
        Err(e) => return fail(e.status(), "The request body could not be read."),
    };
    let text = String::from_utf8_lossy(&body);
    let creds = &shared.options.credentials;
    let accept_any = shared.has(Fault::AcceptAnyPassword);
    let tenant = match text.trim().is_empty() {
        true => None,
        false => match tenant_credentials(&text) {
            Ok(found) => found,
            Err(_) if shared.has(Fault::AcceptMalformedBody) => {
                Some((creds.tenant_user.clone(), creds.tenant_password.clone()))
            }
            Err(why) => {
                let message = format!("The LoginSpec is not valid: {why}");
                return fail(StatusCode::BAD_REQUEST, &message);
            }
        },
    };
    if let Some((user, password)) = tenant {
        // Tenants exist only where Cloud Connect is set up.
        let ok = constant_time_eq(user.as_bytes(), creds.tenant_user.as_bytes())
            & constant_time_eq(password.as_bytes(), creds.tenant_password.as_bytes())
            & shared.options.profile.em_cloud_connect()
            & !shared.has(Fault::TenantLogonRefused);
        if !ok && !accept_any {
            return fail(
                StatusCode::UNAUTHORIZED,
                "Tenant credentials are not valid.",
            );
        }
        return Ok((user, true));
    }
    let Some((user, password)) = basic_credentials(headers) else {
        return fail(StatusCode::UNAUTHORIZED, "Authentication is required.");
    };
    let ok = same_account(&user, &creds.user)
        & constant_time_eq(password.as_bytes(), creds.password.as_bytes());
    if !ok && !accept_any {
        let message = "Login failed: the user name or password is incorrect.";
        return fail(StatusCode::UNAUTHORIZED, message);
    }
    let bare = user.rsplit('\\').next().unwrap_or(&user);
    let domain = shared.options.profile.em_domain();
    Ok((format!("{domain}\\{bare}"), false))
}

/// A new session: 201, the LogonSession, and its token as header and cookie.
fn open_session(shared: &Shared, headers: &HeaderMap, user_name: String, tenant: bool) -> Response {
    let id = random_uuid();
    let token = new_token(shared, &id);
    let session = Session {
        id: id.clone(),
        token: token.clone(),
        user_name,
        tenant,
        company: false,
        activity: Activity::now(),
    };
    let node = session_node(shared, &origin(shared, headers), &session);
    shared.sessions.insert(session);
    let status = if shared.has(Fault::LogonAnswers200) {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let mut response = respond(shared, headers, status, &node);
    let h = response.headers_mut();
    h.insert(
        "X-RestSvcSessionId",
        token.parse().expect("base64 is a valid header"),
    );
    if !shared.has(Fault::NoSessionCookie) {
        let cookie = format!("X-RestSvcSessionId={token}; Path=/api;");
        h.insert(header::SET_COOKIE, cookie.parse().expect("a valid header"));
    }
    response
}

/// The session a request belongs to: the cookie wins over the header, as on the real server.
fn authenticate(shared: &Shared, headers: &HeaderMap) -> Result<Session, Response> {
    let from_cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == "X-RestSvcSessionId")
        .map(|(_, value)| value.to_string());
    let from_header = headers
        .get("X-RestSvcSessionId")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let Some(token) = from_cookie.or(from_header) else {
        if shared.has(Fault::IgnoreMissingToken) {
            return Ok(anonymous_admin());
        }
        return Err(error(
            shared,
            headers,
            StatusCode::UNAUTHORIZED,
            "Authentication is required: no X-RestSvcSessionId.",
        ));
    };
    match shared.sessions.by_token(&token) {
        Lookup::Found(session) => Ok(session),
        Lookup::Expired => Err(error(
            shared,
            headers,
            StatusCode::UNAUTHORIZED,
            "The session has expired.",
        )),
        Lookup::Unknown if shared.has(Fault::AcceptAnyToken) => Ok(anonymous_admin()),
        Lookup::Unknown => Err(error(
            shared,
            headers,
            StatusCode::UNAUTHORIZED,
            "The session is not valid or has ended.",
        )),
    }
}

fn anonymous_admin() -> Session {
    Session {
        id: random_uuid(),
        token: String::new(),
        user_name: "EM01\\anonymous".to_string(),
        tenant: false,
        company: false,
        activity: Activity::now(),
    }
}

/// Whether `caller` may see `session`: an administrator sees administrators'
/// sessions, a tenant only its own.
fn visible(shared: &Shared, caller: &Session, session: &Session) -> bool {
    session.id == caller.id
        || (!caller.tenant && !session.tenant)
        || (caller.tenant && shared.has(Fault::TenantSeesAll))
}

async fn list_sessions(State(shared): Shared_, headers: HeaderMap) -> Response {
    let caller = match authenticate(&shared, &headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let o = origin(&shared, &headers);
    let mut listed: Vec<Session> = shared
        .sessions
        .open()
        .into_iter()
        .filter(|s| visible(&shared, &caller, s))
        .filter(|s| !(shared.has(Fault::ListOmitsCaller) && s.id == caller.id))
        .collect();
    if shared.has(Fault::EndedSessionListed) {
        let ended = shared.ended.lock().unwrap_or_else(|e| e.into_inner());
        listed.extend(
            ended
                .iter()
                .filter(|s| visible(&shared, &caller, s))
                .cloned(),
        );
    }
    if shared.options.style.reverse_lists {
        listed.reverse();
    }
    let node =
        Node::new("LogonSessions").children(listed.iter().map(|s| session_node(&shared, &o, s)));
    respond(&shared, &headers, StatusCode::OK, &node)
}

fn find_visible(shared: &Shared, headers: &HeaderMap, id: &str) -> Result<Session, Response> {
    let caller = authenticate(shared, headers)?;
    let found = shared.sessions.get(id);
    if found.is_none() && shared.has(Fault::UnknownSessionServed) {
        return Ok(caller);
    }
    // 12 and 13 answer 500 to any lookup they cannot serve the caller
    // (docs/vendors.md): an unknown id, and a session the caller may not see.
    if shared.options.profile.em_session_lookup_500()
        && !found.as_ref().is_some_and(|s| visible(shared, &caller, s))
    {
        return Err(error(
            shared,
            headers,
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("Logon session '{id}' was not found."),
        ));
    }
    match found {
        Some(s) if visible(shared, &caller, &s) => Ok(s),
        Some(_) => Err(error(
            shared,
            headers,
            StatusCode::FORBIDDEN,
            "Access to this logon session is denied.",
        )),
        None => Err(error(
            shared,
            headers,
            StatusCode::NOT_FOUND,
            &format!("Logon session '{id}' was not found."),
        )),
    }
}

async fn get_session(
    State(shared): Shared_,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    match find_visible(&shared, &headers, &id) {
        Ok(s) => respond(
            &shared,
            &headers,
            StatusCode::OK,
            &session_node(&shared, &origin(&shared, &headers), &s),
        ),
        Err(r) => r,
    }
}

async fn delete_session(
    State(shared): Shared_,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    match find_visible(&shared, &headers, &id) {
        Ok(s) => {
            if !shared.has(Fault::KeepEndedSessions) {
                shared.sessions.remove(&s.id);
                if shared.has(Fault::EndedSessionListed) {
                    shared.remember_ended(s);
                }
            }
            if shared.has(Fault::DeleteAnswers200) {
                return StatusCode::OK.into_response();
            }
            StatusCode::NO_CONTENT.into_response()
        }
        Err(r) => r,
    }
}

async fn cloud(State(shared): Shared_, headers: HeaderMap) -> Response {
    let caller = match authenticate(&shared, &headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    if !shared.options.profile.em_cloud_connect() {
        return not_found(State(shared), headers).await;
    }
    let o = origin(&shared, &headers);
    let mut links = vec![Node::new("Link")
        .attr("Rel", "Up")
        .attr("Type", "LogonSession")
        .attr("Href", format!("{o}/api/logonSessions/{}", caller.id))];
    links.extend(
        CLOUD_LINKS
            .iter()
            .map(|(t, p)| link(&o, "Down", Some(t), p, None)),
    );
    let node = Node::new("CloudConnectService")
        .attr("Type", "CloudConnectService")
        .attr("Href", format!("{o}/api/cloud"))
        .child(Node::new("Links").children(links));
    respond(&shared, &headers, StatusCode::OK, &node)
}

async fn backup_servers(State(shared): Shared_, headers: HeaderMap) -> Response {
    let caller = match authenticate(&shared, &headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    if caller.tenant && !shared.has(Fault::TenantAdminAccess) {
        return error(
            &shared,
            &headers,
            StatusCode::FORBIDDEN,
            "Tenants have no access to this resource.",
        );
    }
    respond(
        &shared,
        &headers,
        StatusCode::OK,
        &Node::new("EntityReferences"),
    )
}
