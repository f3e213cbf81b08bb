//! The command line's options, as clap reads them.

use std::path::PathBuf;

use clap::Args;

#[derive(Args)]
pub struct SchemaArgs {
    /// The schema of fragment files instead of scenarios.
    #[arg(long)]
    pub fragment: bool,
}

#[derive(Args)]
pub struct LoadArgs {
    #[command(flatten)]
    pub suite: SuiteArgs,
    /// The scenario, as DIALECT::NAME (e.g. veeam-em::admin-logon).
    #[arg(long)]
    pub scenario: String,
    /// Flows at once.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Flows in all.
    #[arg(long, default_value_t = 100)]
    pub iterations: usize,
    /// The API base URL; without it, the embedded reference server.
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Limit on each HTTP exchange, in seconds (default 30).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    #[arg(long)]
    pub insecure: bool,
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Write the report as JSON here.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Fail (exit 1) when the slowest 1 % of whole flows take longer, in milliseconds.
    #[arg(long, value_name = "MS")]
    pub max_p99: Option<f64>,
    /// Fail (exit 1) when more than this fraction of flows fail (0 to 1); without
    /// it, any failed flow fails the load.
    #[arg(long, value_name = "FRACTION")]
    pub max_error_rate: Option<f64>,
}

/// The other clients a reference server has while a suite runs.
#[derive(Args, Clone, Default)]
pub struct CompanyArgs {
    /// The reference server holds other clients' sessions from the start, as a
    /// real server does: another administrator's, the tenant account's, and a
    /// second one of the suite's administrator account. A suite must list past
    /// them and end none of them.
    #[arg(long)]
    pub others: bool,
    /// The reference server also plays another client that logs on and off
    /// every MS milliseconds, as an account the suite does not use.
    #[arg(long, value_name = "MS")]
    pub churn: Option<u64>,
}

impl CompanyArgs {
    /// The company the options ask for.
    pub fn company(&self) -> Result<crate::server::Company, String> {
        if self.churn == Some(0) {
            return Err("--churn 0: the other client needs at least a millisecond".into());
        }
        Ok(crate::server::Company {
            others: self.others,
            churn: self.churn.map(std::time::Duration::from_millis),
        })
    }
}

#[derive(Args)]
pub struct ServeArgs {
    /// veeam-em or commvault (or leave it to --profile).
    #[arg(long)]
    pub dialect: Option<String>,
    /// The vendor version to play (default: the dialect's newest).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Address and port; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub bind: std::net::SocketAddr,
    /// Seconds a session may stay unused (default: the vendor's, 900 or 1800).
    #[arg(long, value_name = "SECONDS")]
    pub idle_timeout: Option<u64>,
    /// Break the server on purpose (repeatable), to see the suite catch it;
    /// `--fault list` lists the dialect's faults, each with what it breaks.
    #[arg(long = "fault", value_name = "NAME")]
    pub faults: Vec<String>,
    /// Write the same answers in a benign variant (repeatable): a suite must
    /// pass; `--variant list` lists them, each with what it changes.
    #[arg(long = "variant", value_name = "NAME")]
    pub variants: Vec<String>,
    /// Answer every request this many milliseconds late, as a real server across a network does.
    #[arg(long, value_name = "MS")]
    pub delay_ms: Option<u64>,
    #[command(flatten)]
    pub company: CompanyArgs,
    /// Write XML with this namespace prefix instead of a default namespace.
    #[arg(long)]
    pub prefix: Option<String>,
    /// Indent XML.
    #[arg(long)]
    pub indent: bool,
    /// Write attributes in the other order than the version's own (9.5: Rel first; newer: Href first).
    #[arg(long)]
    pub reverse_attributes: bool,
    /// Add the links of a newer server version.
    #[arg(long)]
    pub extra_links: bool,
    /// Serve HTTPS with this certificate (PEM), with --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Require client certificates signed by this CA (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub client_ca: Option<PathBuf>,
}

#[derive(Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub suite: SuiteArgs,
    /// List goldens no scenario, probe or known deviation uses; `reject` makes that exit 1 (for CI).
    #[arg(long, value_name = "MODE", num_args = 0..=1, default_missing_value = "list")]
    pub unreferenced: Option<Unreferenced>,
}

#[derive(Args)]
pub struct CoverageArgs {
    #[command(flatten)]
    pub suite: SuiteArgs,
    /// Also write the coverage as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Also write the requirements table as an HTML page to this file.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

#[derive(Args)]
pub struct StrengthArgs {
    #[command(flatten)]
    pub suite: SuiteArgs,
    /// The version faults and variants run on (default: each dialect's newest).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Runs at once (default: the number of cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    #[command(flatten)]
    pub company: CompanyArgs,
    /// Also write the result as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Unreferenced {
    /// List them.
    List,
    /// List them and exit 1 when there are any.
    Reject,
}

#[derive(Args, Clone)]
pub struct SuiteArgs {
    /// The configuration file (default: sessionconf.toml here or in a parent directory).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The scenarios directory: one subdirectory per dialect (default: scenarios).
    #[arg(long)]
    pub scenarios: Option<PathBuf>,
    /// The goldens directory that scenarios' `golden:` paths are relative to (default: golden).
    #[arg(long)]
    pub golden_dir: Option<PathBuf>,
    /// Dialects to run (subdirectories of the scenarios directory); all when left out.
    #[arg(long = "dialect", value_name = "NAME")]
    pub dialects: Vec<String>,
}

#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub suite: SuiteArgs,
    /// The API base URL, e.g. https://em01:9398/api/ or https://cs01/webconsole/api/.
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// A target of the configuration file: its endpoint (or profile), dialect,
    /// TLS options and credential variables. Repeat it to run against several, side by side.
    #[arg(long, value_name = "NAME")]
    pub target: Vec<String>,
    /// Run against every target of the configuration file (of `--dialect`, when given), side by side.
    #[arg(long, conflicts_with = "target")]
    pub all_targets: bool,
    /// A variable every scenario has (repeatable); it overrides a scenario's own.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// A YAML file of variables (a map of names to text).
    #[arg(long, value_name = "FILE")]
    pub vars_file: Option<PathBuf>,
    /// The vendor version an embedded reference server plays (one per dialect;
    /// default: the newest), e.g. em-12, em-9.5, cv-11.28.
    #[arg(long = "profile", value_name = "NAME")]
    pub profiles: Vec<String>,
    #[command(flatten)]
    pub company: CompanyArgs,
    /// Run only scenarios whose name contains this text.
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Run only scenarios with this tag (repeat: all of them).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Scenarios run at once (default: as many as the session budget allows).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Sessions a target may have open at once (default 8); scenarios run
    /// side by side up to it.
    #[arg(long, value_name = "N")]
    pub max_sessions: Option<usize>,
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write a JSON report here.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write an HTML report here (one self-contained file).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write a report of any format (junit, json, html) here (repeatable).
    #[arg(long = "report", value_name = "FORMAT=FILE")]
    pub reports: Vec<String>,
    /// Limit on each HTTP exchange, in seconds (default 30).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Limit on connecting, in seconds (default 10).
    #[arg(long, value_name = "SECONDS")]
    pub connect_timeout: Option<f64>,
    /// Limit on a scenario's steps, in seconds (default 300); its `finally` steps still run.
    #[arg(long, value_name = "SECONDS")]
    pub scenario_timeout: Option<f64>,
    /// Accept any TLS certificate (self-signed servers).
    #[arg(long)]
    pub insecure: bool,
    /// Trust the certificates of this PEM file instead of the system's roots (a CA, or the server's own self-signed certificate).
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Client certificate (PEM), with --key.
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,
    /// Client private key (PEM), with --cert.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,
    /// Largest response body read, in bytes (default 64 MiB).
    #[arg(long, value_name = "BYTES")]
    pub max_body_bytes: Option<u64>,
    /// Record differing or missing goldens instead of failing.
    #[arg(long)]
    pub bless: bool,
    /// With bless: write each changed golden beside the old one as FILE.pending,
    /// for `sessionconf review`, instead of over it.
    #[arg(long)]
    pub pending: bool,
    /// Bless even when the CI environment variable is set.
    #[arg(long)]
    pub force: bool,
    /// Show every step's request and response (a failed step's response is always shown).
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// A filter, tag or skip that selects no trial passes instead of failing with exit 2.
    #[arg(long)]
    pub allow_empty: bool,
    /// Only list the scenarios.
    #[arg(long)]
    pub list: bool,
    /// Arguments for the test harness after `--` (`--exact`, `--skip NAME`, `--format terse`, ...).
    #[arg(last = true)]
    pub harness: Vec<String>,
}

#[derive(Args)]
pub struct DiffArgs {
    pub golden: PathBuf,
    pub actual: PathBuf,
    /// A variable the golden's `{{NAME}}` placeholders refer to.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
}
