//! The scenario format, as read from YAML. Every field type validates itself while
//! it is read, so a mistake is reported with the file, line and column.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Deserialize;

pub use super::forms::{Forms, ReadsJson};
use super::positions::Seg;
use super::template::Template;
use crate::select::Selector;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// What the server or the run must have for the scenario to apply.
    #[serde(default)]
    pub requires: Requires,
    /// Runs the scenario once per combination of these variables' values.
    #[serde(default)]
    pub matrix: Matrix,
    /// No other trial runs meanwhile: for a flow that tells its own session
    /// from others by comparing lists, which another logon of the same account
    /// in between would spoil.
    #[serde(default)]
    pub exclusive: bool,
    /// Scenario variables, evaluated in order; they may refer to earlier ones.
    #[serde(default)]
    pub vars: indexmap::IndexMap<String, Template>,
    pub steps: Vec<Step>,
    /// Steps that always run after `steps`, also after a failure (logout).
    #[serde(default)]
    pub finally: Vec<Step>,
}

/// What a scenario needs, as written: the values may name matrix variables
/// (`accounts: ["${account}"]`), so they are read once per combination into [`Needs`].
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Requires {
    /// Capabilities the server must show (the dialect's probe finds them).
    #[serde(default)]
    pub capabilities: Vec<Template>,
    /// Accounts the run must have: `administrator`, `tenant` (the second account).
    #[serde(default)]
    pub accounts: Vec<Template>,
    /// API versions the scenario applies to, e.g. `">= v1_4"` or `">= v1_2, < v1_7"`.
    pub versions: Option<Template>,
    /// An API version the server must offer (`?v=` values its entry point lists).
    pub api_version: Option<Template>,
}

/// What one trial of a scenario needs; a target without it reports the trial as not applicable.
#[derive(Debug, Clone, Default)]
pub struct Needs {
    /// Capabilities the server must show.
    pub capabilities: Vec<String>,
    /// Accounts the run must have.
    pub accounts: Vec<Account>,
    /// API versions the scenario applies to.
    pub versions: Option<crate::version::VersionRange>,
    /// An API version the server must offer.
    pub api_version: Option<String>,
}

/// An account a scenario logs on with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Account {
    /// `user` / `password`, which every run has.
    Administrator,
    /// `tenant_user` / `tenant_password`: a Cloud Connect tenant, or Commvault's second account.
    Tenant,
}

impl Account {
    /// The account a name in `requires.accounts` stands for.
    pub fn parse(name: &str) -> Result<Account, String> {
        match name {
            "administrator" => Ok(Account::Administrator),
            "tenant" => Ok(Account::Tenant),
            other => Err(format!(
                "`{other}` is not an account: expected `administrator` or `tenant`{}",
                crate::suggest::did_you_mean(other, ["administrator", "tenant"])
            )),
        }
    }
}

/// `matrix:` one trial per combination of the values of its variables, less `exclude`.
#[derive(Debug, Clone, Default)]
pub struct Matrix {
    /// Each variable and its values, in the order written.
    pub dimensions: indexmap::IndexMap<String, Vec<MatrixValue>>,
    /// Combinations left out: each names some variables and a value for each.
    pub exclude: Vec<indexmap::IndexMap<String, String>>,
}

/// One value of a matrix variable: a scalar, or a map with a `name` (the value,
/// in trial names) and more variables (`NAME_KEY` in the scenario).
#[derive(Debug, Clone)]
pub struct MatrixValue {
    pub label: String,
    pub vars: indexmap::IndexMap<String, Template>,
}

impl<'de> Deserialize<'de> for MatrixValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = MatrixValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value (text or a number) or a map with a `name`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<MatrixValue, E> {
                Ok(MatrixValue {
                    label: v.to_string(),
                    vars: indexmap::IndexMap::new(),
                })
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<MatrixValue, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<MatrixValue, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<MatrixValue, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<MatrixValue, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<MatrixValue, A::Error> {
                let mut label = None;
                let mut vars = indexmap::IndexMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    if key == "name" {
                        label = Some(map.next_value::<String>()?);
                    } else {
                        vars.insert(key, map.next_value::<Template>()?);
                    }
                }
                let label = label.ok_or_else(|| {
                    serde::de::Error::custom("a matrix value written as a map needs a `name`")
                })?;
                Ok(MatrixValue { label, vars })
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Matrix {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Matrix;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of variables to lists of values, and optionally `exclude`")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Matrix, A::Error> {
                let mut matrix = Matrix::default();
                while let Some(key) = map.next_key::<String>()? {
                    if key == "exclude" {
                        let raw: Vec<indexmap::IndexMap<String, MatrixValue>> = map.next_value()?;
                        matrix.exclude = raw
                            .into_iter()
                            .map(|c| c.into_iter().map(|(k, v)| (k, v.label)).collect())
                            .collect();
                    } else {
                        let values: Vec<MatrixValue> = map.next_value()?;
                        matrix.dimensions.insert(key, values);
                    }
                }
                Ok(matrix)
            }
        }
        d.deserialize_map(V)
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Empty only in a `use` step, which the loader replaces by the fragment's steps.
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub request: Request,
    #[serde(default)]
    pub expect: Expect,
    #[serde(default)]
    pub capture: BTreeMap<String, Capture>,
    /// This step opens a session, whose token it captures into this variable.
    pub opens_session: Option<String>,
    /// This step closes the session a step opened into this variable.
    pub closes_session: Option<String>,
    /// The fragment whose steps stand here (`scenarios/DIALECT/fragments/NAME.yaml`).
    #[serde(rename = "use")]
    pub uses: Option<String>,
    /// The fragment's parameters.
    #[serde(default, rename = "with")]
    pub with: indexmap::IndexMap<String, Template>,
    /// Keeps two uses of a fragment apart: its captures become `PREFIX_NAME`, its steps `PREFIX.NAME`.
    #[serde(rename = "as")]
    pub prefix: Option<String>,
    /// For a step from a fragment: what the names its goldens use stand for in the scenario.
    #[serde(skip)]
    pub golden_names: Vec<GoldenName>,
    /// The documented requirements this step checks: ids of the dialect's
    /// catalogue (`sessionconf coverage` lists them), each `ID` (any failure
    /// of the step breaks it) or `ID: WHERE` (one check: `status`,
    /// `header NAME`, `golden PATH...`); a failure names those it breaks.
    #[serde(default)]
    pub covers: Vec<super::covers::CoverEntry>,
    /// `covers`, read.
    #[serde(skip)]
    pub cited: Vec<super::covers::Cover>,
    /// Where each of `cited` is written, for an error about it.
    #[serde(skip)]
    pub covers_at: Vec<Cited>,
}

/// Where a requirement id is written in a scenario or fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cited {
    /// The file.
    pub file: PathBuf,
    /// Its line (1-based).
    pub line: u32,
    /// Its column (1-based).
    pub col: u32,
}

/// A name a fragment's golden uses (`{{session_id}}`), and the scenario value it stands for.
#[derive(Debug, Clone)]
pub struct GoldenName {
    pub name: String,
    pub value: Template,
    /// A capture, which bless writes back as its placeholder.
    pub captured: bool,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Request {
    #[serde(default)]
    pub method: Method,
    /// Relative to the endpoint's base URL.
    pub path: Option<Template>,
    /// An absolute URL, usually from a variable.
    pub url: Option<Template>,
    /// The `Href` of a `Link` in an earlier step's response.
    pub link: Option<LinkRef>,
    #[serde(default)]
    pub headers: BTreeMap<String, Template>,
    #[serde(default)]
    pub query: BTreeMap<String, Template>,
    /// The body, or one per representation (`{ xml: ..., json: ... }`): the
    /// one the request's Content-Type names is sent.
    pub body: Option<Forms<Template>>,
    /// Relative to the scenario file.
    pub body_file: Option<PathBuf>,
    pub auth: Option<Auth>,
    /// `false`: send no cookies and keep none from the response, so a second
    /// logon in one scenario does not replace the first one's session cookie.
    #[serde(default = "yes")]
    pub cookies: bool,
}

fn yes() -> bool {
    true
}

/// An empty request: a step that has none is refused by the loader, unless it is a `use`.
impl Default for Request {
    fn default() -> Self {
        Request {
            method: Method::default(),
            path: None,
            url: None,
            link: None,
            headers: BTreeMap::new(),
            query: BTreeMap::new(),
            body: None,
            body_file: None,
            auth: None,
            cookies: true,
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRef {
    /// The name of an earlier step.
    pub step: String,
    pub rel: String,
    #[serde(rename = "type")]
    pub link_type: Option<String>,
    /// A URL to use when the response has no such link (a logout falls back to
    /// the session's own Href, so a session is closed whenever it can be).
    pub fallback: Option<Template>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    pub basic: BasicAuth,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BasicAuth {
    pub user: Template,
    pub password: Template,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Method(pub String);

impl Default for Method {
    fn default() -> Self {
        Method("GET".into())
    }
}

/// The methods a step may send.
const METHODS: [&str; 7] = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

impl TryFrom<String> for Method {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        let upper = value.to_ascii_uppercase();
        if METHODS.contains(&upper.as_str()) {
            Ok(Method(upper))
        } else {
            Err(format!(
                "`{value}` is not an HTTP method: expected one of {}",
                METHODS.join(", ")
            ))
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// One code or a list; when left out, any 2xx passes.
    pub status: Option<StatusSet>,
    #[serde(default)]
    pub headers: BTreeMap<String, TextCheck>,
    /// A check on the body as text, for responses that are not XML.
    pub text: Option<TextCheck>,
    /// Relative to the golden directory. Without an extension (`veeam-em/logon-session`)
    /// it names one file per representation: `.xml` or `.json`, the one the request asked for.
    pub golden: Option<PathBuf>,
    #[serde(default)]
    pub body: Vec<Assertion>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusSet(pub Vec<u16>);

impl StatusSet {
    pub fn allows(&self, status: u16) -> bool {
        self.0.contains(&status)
    }
}

impl fmt::Display for StatusSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let codes: Vec<String> = self.0.iter().map(u16::to_string).collect();
        f.write_str(&codes.join(" or "))
    }
}

impl<'de> Deserialize<'de> for StatusSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        fn code<E: serde::de::Error>(v: u64) -> Result<u16, E> {
            if (100..=599).contains(&v) {
                Ok(v as u16)
            } else {
                Err(E::custom(format!(
                    "{v} is not an HTTP status code (100-599)"
                )))
            }
        }
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = StatusSet;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a status code or a list of status codes")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<StatusSet, E> {
                Ok(StatusSet(vec![code(v)?]))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<StatusSet, E> {
                Ok(StatusSet(vec![code(u64::try_from(v).unwrap_or(0))?]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<StatusSet, A::Error> {
                let mut codes = Vec::new();
                while let Some(v) = seq.next_element::<u64>()? {
                    codes.push(code(v)?);
                }
                if codes.is_empty() {
                    return Err(serde::de::Error::custom(
                        "the list of status codes is empty",
                    ));
                }
                Ok(StatusSet(codes))
            }
        }
        d.deserialize_any(V)
    }
}

/// A regular expression, compiled when the scenario is read.
#[derive(Debug, Clone)]
pub struct Regex(pub regex::Regex);

impl<'de> Deserialize<'de> for Regex {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        regex::Regex::new(&text)
            .map(Regex)
            .map_err(|e| serde::de::Error::custom(format!("invalid regular expression: {e}")))
    }
}

impl<'de> Deserialize<'de> for Selector {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Selector::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A selector that may hold `${var}` references, expanded when the step runs.
#[derive(Debug, Clone)]
pub struct SelectorTemplate {
    pub template: Template,
    /// The selector itself when it refers to no variable.
    pub fixed: Option<Selector>,
}

impl fmt::Display for SelectorTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A fragment's placed template writes a literal `$` as `$$`; the
        // selector itself is what the user wrote.
        match &self.fixed {
            Some(selector) => write!(f, "{selector}"),
            None => f.write_str(self.template.raw()),
        }
    }
}

/// A body template is a form for either representation (what it holds is the server's to judge).
impl super::forms::Form for Template {
    fn unfit_for(&self, _: crate::representation::Representation) -> Option<&'static str> {
        None
    }
}

impl super::forms::ReadsJson for SelectorTemplate {
    fn reads_json(&self) -> bool {
        self.template.raw().trim_start().starts_with('$')
    }
}

impl super::forms::ReadsJson for Selector {
    fn reads_json(&self) -> bool {
        self.is_json()
    }
}

impl<'de> Deserialize<'de> for SelectorTemplate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use super::template::Part;
        let template = Template::deserialize(d)?;
        // Check the syntax now, with every reference standing in as a plain word.
        let probe: String = template
            .parts()
            .iter()
            .map(|p| match p {
                Part::Literal(t) => t.as_str(),
                _ => "x",
            })
            .collect();
        let parsed = Selector::parse(&probe).map_err(serde::de::Error::custom)?;
        let fixed = (template.variables().next().is_none()
            && !template
                .parts()
                .iter()
                .any(|p| matches!(p, Part::Env { .. })))
        .then_some(parsed);
        Ok(SelectorTemplate { template, fixed })
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(try_from = "RawTextCheck")]
pub enum TextCheck {
    Equals(Template),
    Matches(Regex),
    Present(bool),
    Absent(bool),
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawTextCheck {
    equals: Option<Template>,
    matches: Option<Regex>,
    present: Option<bool>,
    absent: Option<bool>,
}

impl TryFrom<RawTextCheck> for TextCheck {
    type Error = String;
    fn try_from(raw: RawTextCheck) -> Result<Self, String> {
        let mut checks = Vec::new();
        checks.extend(raw.equals.map(TextCheck::Equals));
        checks.extend(raw.matches.map(TextCheck::Matches));
        checks.extend(raw.present.map(TextCheck::Present));
        checks.extend(raw.absent.map(TextCheck::Absent));
        match checks.len() {
            1 => Ok(checks.pop().expect("one check")),
            0 => Err("a header check needs one of `equals`, `matches`, `present`, `absent`".into()),
            _ => Err(
                "a header check has one of `equals`, `matches`, `present`, `absent`, not several"
                    .into(),
            ),
        }
    }
}

/// A check on the response body, by selector.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(try_from = "RawAssertion")]
#[schemars(with = "RawAssertion")]
pub struct Assertion {
    pub select: Forms<SelectorTemplate>,
    pub check: Check,
}

#[derive(Debug, Clone)]
pub enum Check {
    /// The one selected value equals this.
    Equals(Template),
    /// The one selected value matches this.
    Matches(Regex),
    Exists,
    Absent,
    Count(usize),
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawAssertion {
    select: Forms<SelectorTemplate>,
    equals: Option<Template>,
    matches: Option<Regex>,
    exists: Option<bool>,
    absent: Option<bool>,
    count: Option<usize>,
}

impl TryFrom<RawAssertion> for Assertion {
    type Error = String;
    fn try_from(raw: RawAssertion) -> Result<Self, String> {
        let mut checks = Vec::new();
        if let Some(t) = raw.equals {
            checks.push(Check::Equals(t));
        }
        if let Some(r) = raw.matches {
            checks.push(Check::Matches(r));
        }
        match (raw.exists, raw.absent) {
            (Some(true), _) | (_, Some(false)) => checks.push(Check::Exists),
            (Some(false), _) | (_, Some(true)) => checks.push(Check::Absent),
            _ => {}
        }
        if raw.exists.is_some() && raw.absent.is_some() {
            return Err("an assertion has `exists` or `absent`, not both".into());
        }
        if let Some(n) = raw.count {
            checks.push(Check::Count(n));
        }
        match checks.len() {
            1 => Ok(Assertion {
                select: raw.select,
                check: checks.pop().expect("one check"),
            }),
            0 => Err(format!(
                "assertion on `{}` checks nothing: expected one of `equals`, `matches`, `exists`, `absent`, `count`",
                raw.select
            )),
            _ => Err(format!(
                "assertion on `{}` has several checks: write one assertion per check",
                raw.select
            )),
        }
    }
}

/// Where a captured value comes from.
#[derive(Debug, Clone)]
pub enum CaptureSource {
    /// May name variables (`${tenant_user}`), expanded when the step runs.
    Select(Box<Forms<SelectorTemplate>>),
    Header(String),
    Cookie(String),
    Body,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(try_from = "RawCapture")]
#[schemars(with = "RawCapture")]
pub struct Capture {
    pub source: CaptureSource,
    /// Applied to the source's value; the first group, if any, is the value.
    pub regex: Option<Regex>,
    /// Keep every selected value as a list, not exactly one.
    pub all: bool,
    /// Leave out values found in this list variable (the sessions that were open before).
    pub exclude: Option<String>,
    /// Redact the value everywhere. Values from token headers and cookies are always secret.
    pub secret: bool,
    /// Finding nothing is not a failure: the variable stays unset (a `finally` step that needs it is skipped).
    pub optional: bool,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawCapture {
    select: Option<Forms<SelectorTemplate>>,
    header: Option<String>,
    cookie: Option<String>,
    regex: Option<Regex>,
    #[serde(default)]
    all: bool,
    exclude: Option<String>,
    #[serde(default)]
    secret: bool,
    #[serde(default)]
    optional: bool,
}

impl TryFrom<RawCapture> for Capture {
    type Error = String;
    fn try_from(raw: RawCapture) -> Result<Self, String> {
        let mut sources = Vec::new();
        if let Some(s) = raw.select {
            sources.push(CaptureSource::Select(Box::new(s)));
        }
        if let Some(h) = raw.header {
            sources.push(CaptureSource::Header(h));
        }
        if let Some(c) = raw.cookie {
            sources.push(CaptureSource::Cookie(c));
        }
        let source = match (sources.len(), &raw.regex) {
            (0, Some(_)) => CaptureSource::Body,
            (1, _) => sources.pop().expect("one source"),
            (0, None) => return Err(
                "a capture needs a source: `select`, `header`, `cookie` or `regex` (on the body)"
                    .into(),
            ),
            _ => return Err("a capture has one source: `select`, `header` or `cookie`".into()),
        };
        if raw.all && !matches!(source, CaptureSource::Select(_)) {
            return Err("`all` collects several values and needs `select`".into());
        }
        Ok(Capture {
            source,
            regex: raw.regex,
            all: raw.all,
            exclude: raw.exclude,
            secret: raw.secret,
            optional: raw.optional,
        })
    }
}

/// A template with a label for messages and its path in the step.
pub(crate) type LocatedTemplate<'t> = (String, Vec<Seg>, &'t Template);

fn segs(parts: &[&str]) -> Vec<Seg> {
    parts.iter().map(|p| Seg::from(*p)).collect()
}

impl Request {
    /// Every template of the request, with the field it stands in and where it is.
    pub(crate) fn templates(&self) -> Vec<LocatedTemplate<'_>> {
        let mut out = Vec::new();
        if let Some(t) = &self.path {
            out.push(("path".to_string(), segs(&["request", "path"]), t));
        }
        if let Some(t) = &self.url {
            out.push(("url".to_string(), segs(&["request", "url"]), t));
        }
        if let Some(t) = self.link.as_ref().and_then(|l| l.fallback.as_ref()) {
            out.push((
                "link fallback".to_string(),
                segs(&["request", "link", "fallback"]),
                t,
            ));
        }
        for (k, t) in &self.headers {
            out.push((format!("header {k}"), segs(&["request", "headers", k]), t));
        }
        for (k, t) in &self.query {
            out.push((format!("query {k}"), segs(&["request", "query", k]), t));
        }
        if let Some(body) = &self.body {
            let field = if self.body_file.is_some() {
                "body_file"
            } else {
                "body"
            };
            for t in body.all() {
                out.push(("body".to_string(), segs(&["request", field]), t));
            }
        }
        if let Some(a) = &self.auth {
            let at = |f: &str| segs(&["request", "auth", "basic", f]);
            out.push(("auth user".to_string(), at("user"), &a.basic.user));
            out.push((
                "auth password".to_string(),
                at("password"),
                &a.basic.password,
            ));
        }
        out
    }
}

impl Expect {
    /// Every template of the expectations, with the field it stands in and where it is.
    pub(crate) fn templates(&self) -> Vec<LocatedTemplate<'_>> {
        let mut out = Vec::new();
        for (k, c) in &self.headers {
            if let TextCheck::Equals(t) = c {
                let path = segs(&["expect", "headers", k, "equals"]);
                out.push((format!("expected header {k}"), path, t));
            }
        }
        if let Some(TextCheck::Equals(t)) = &self.text {
            out.push((
                "expected text".to_string(),
                segs(&["expect", "text", "equals"]),
                t,
            ));
        }
        for (i, a) in self.body.iter().enumerate() {
            let at = |f: &str| vec![Seg::from("expect"), "body".into(), i.into(), f.into()];
            for form in a.select.all() {
                out.push((format!("selector {form}"), at("select"), &form.template));
            }
            if let Check::Equals(t) = &a.check {
                out.push((format!("assertion on {}", a.select), at("equals"), t));
            }
        }
        out
    }
}

impl Step {
    /// Every template of the step, to rewrite (a fragment's steps put into a scenario).
    pub(crate) fn templates_mut(&mut self) -> Vec<&mut Template> {
        let r = &mut self.request;
        let mut out: Vec<&mut Template> = Vec::new();
        out.extend(r.path.as_mut());
        out.extend(r.url.as_mut());
        out.extend(r.link.as_mut().and_then(|l| l.fallback.as_mut()));
        out.extend(r.headers.values_mut());
        out.extend(r.query.values_mut());
        out.extend(r.body.iter_mut().flat_map(Forms::all_mut));
        if let Some(a) = r.auth.as_mut() {
            out.push(&mut a.basic.user);
            out.push(&mut a.basic.password);
        }
        let e = &mut self.expect;
        for check in e.headers.values_mut().chain(e.text.as_mut()) {
            if let TextCheck::Equals(t) = check {
                out.push(t);
            }
        }
        for a in &mut e.body {
            out.extend(a.select.all_mut().into_iter().map(|f| &mut f.template));
            if let Check::Equals(t) = &mut a.check {
                out.push(t);
            }
        }
        for c in self.capture.values_mut() {
            if let CaptureSource::Select(forms) = &mut c.source {
                out.extend(forms.all_mut().into_iter().map(|f| &mut f.template));
            }
        }
        out
    }

    /// The templates of the step's capture selectors, with where each is.
    pub(crate) fn capture_templates(&self) -> Vec<LocatedTemplate<'_>> {
        let mut out = Vec::new();
        for (var, c) in &self.capture {
            if let CaptureSource::Select(forms) = &c.source {
                let path = segs(&["capture", var, "select"]);
                for form in forms.all() {
                    out.push((format!("selector {form}"), path.clone(), &form.template));
                }
            }
        }
        out
    }
}

/// Schemas of the types that read themselves: what an editor may offer.
mod schemas {
    use std::borrow::Cow;

    use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

    use super::{
        Matrix, MatrixValue, Method, Regex, SelectorTemplate, StatusSet, Template, METHODS,
    };
    use crate::select::Selector;

    fn text(description: &str) -> Schema {
        json_schema!({ "type": "string", "description": description })
    }

    impl JsonSchema for Template {
        fn schema_name() -> Cow<'static, str> {
            "Template".into()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "type": ["string", "number", "boolean"],
                "description": "Text with `${name}`, `${env:VAR}`, `${env:VAR:-default}` or `${base64:name}`; `$$` is a literal `$`."
            })
        }
    }

    impl JsonSchema for Method {
        fn schema_name() -> Cow<'static, str> {
            "Method".into()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            let mut names: Vec<String> = METHODS.iter().map(|m| m.to_string()).collect();
            names.extend(METHODS.iter().map(|m| m.to_lowercase()));
            json_schema!({ "description": "The HTTP method (GET when left out).", "enum": names })
        }
    }

    impl JsonSchema for Regex {
        fn schema_name() -> Cow<'static, str> {
            "Regex".into()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            text("A regular expression (Rust regex syntax).")
        }
    }

    impl JsonSchema for Selector {
        fn schema_name() -> Cow<'static, str> {
            "Selector".into()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            text("A selector: `/A/B`, `//B`, `*`, predicates `[2]`, `[@Rel='Delete']`, `[Name='x']`, `[user/@userName='x']`, a last step `@Href` or `text()`.")
        }
    }

    impl JsonSchema for SelectorTemplate {
        fn schema_name() -> Cow<'static, str> {
            "SelectorTemplate".into()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            text("A selector that may hold `${var}` references.")
        }
    }

    impl JsonSchema for StatusSet {
        fn schema_name() -> Cow<'static, str> {
            "StatusSet".into()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "description": "An HTTP status code, or a list of them.",
                "oneOf": [
                    { "type": "integer", "minimum": 100, "maximum": 599 },
                    { "type": "array", "minItems": 1, "items": { "type": "integer", "minimum": 100, "maximum": 599 } }
                ]
            })
        }
    }

    impl JsonSchema for MatrixValue {
        fn schema_name() -> Cow<'static, str> {
            "MatrixValue".into()
        }
        fn json_schema(gen: &mut SchemaGenerator) -> Schema {
            let template = gen.subschema_for::<Template>();
            json_schema!({
                "description": "A value, or a map with a `name` (the value in trial names) and more variables (`VAR_KEY`).",
                "oneOf": [
                    { "type": ["string", "number", "boolean"] },
                    {
                        "type": "object",
                        "required": ["name"],
                        "properties": { "name": { "type": ["string", "number"] } },
                        "additionalProperties": template
                    }
                ]
            })
        }
    }

    impl JsonSchema for Matrix {
        fn schema_name() -> Cow<'static, str> {
            "Matrix".into()
        }
        fn json_schema(gen: &mut SchemaGenerator) -> Schema {
            let value = gen.subschema_for::<MatrixValue>();
            json_schema!({
                "description": "One trial per combination of these variables' values; `exclude` lists combinations to leave out.",
                "type": "object",
                "properties": {
                    "exclude": {
                        "type": "array",
                        "items": { "type": "object", "additionalProperties": { "type": ["string", "number", "boolean"] } }
                    }
                },
                "additionalProperties": { "type": "array", "items": value }
            })
        }
    }
}
/// A fragment file.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fragment {
    /// What the steps do, for the people who read the fragment (and the schema).
    #[serde(default)]
    #[allow(dead_code)]
    pub description: String,
    /// Parameters and their defaults; `~` for one each use must give.
    #[serde(default)]
    pub params: indexmap::IndexMap<String, Option<Template>>,
    /// The steps a `use` stands for.
    pub steps: Vec<Step>,
    /// Steps that join the using scenario's `finally` steps.
    #[serde(default)]
    pub finally: Vec<Step>,
}
