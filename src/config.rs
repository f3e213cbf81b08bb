//! `sessionconf.toml`: defaults for every run option, variables, and named
//! targets, so a suite's endpoints and options live beside it. Found in the
//! current directory or an ancestor (or given with `--config`); paths in it are
//! relative to the file. Command-line options override it; it overrides the
//! built-in defaults. Credentials are never in it: a target names the
//! environment variables that hold them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::ConfigError;

/// The file's name, looked for from the current directory upwards.
pub const FILE_NAME: &str = "sessionconf.toml";

/// The configuration file, as read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The scenarios directory.
    pub scenarios: Option<PathBuf>,
    /// The goldens directory.
    pub golden_dir: Option<PathBuf>,
    /// Dialects to run.
    pub dialects: Option<Vec<String>>,
    /// Reference server profiles.
    pub profiles: Option<Vec<String>>,
    /// Tags every scenario run must have.
    pub tags: Option<Vec<String>>,
    /// Run only trials whose name contains this.
    pub filter: Option<String>,
    /// Trials at once.
    pub jobs: Option<usize>,
    /// Sessions a target may have open at once.
    pub max_sessions: Option<usize>,
    /// The endpoint, when no target is named.
    pub endpoint: Option<String>,
    /// The target `--target` picks when it is not given.
    pub target: Option<String>,
    /// A JUnit report.
    pub junit: Option<PathBuf>,
    /// A JSON report.
    pub json: Option<PathBuf>,
    /// An HTML report.
    pub html: Option<PathBuf>,
    /// Reports as `FORMAT=FILE`.
    pub reports: Option<Vec<String>>,
    /// Limit on each exchange, in seconds.
    pub timeout: Option<f64>,
    /// Limit on connecting, in seconds.
    pub connect_timeout: Option<f64>,
    /// Limit on a scenario's steps, in seconds.
    pub scenario_timeout: Option<f64>,
    /// Largest response body read.
    pub max_body_bytes: Option<u64>,
    /// Accept any certificate.
    pub insecure: Option<bool>,
    /// A CA (or the server's own self-signed certificate) to trust.
    pub cacert: Option<PathBuf>,
    /// A client certificate.
    pub cert: Option<PathBuf>,
    /// Its key.
    pub key: Option<PathBuf>,
    /// Variables every scenario has (`--var` overrides them).
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
    /// A YAML file of more variables.
    pub vars_file: Option<PathBuf>,
    /// Named servers.
    #[serde(default)]
    pub targets: BTreeMap<String, TargetConfig>,
}

/// A named server: `[targets.NAME]`, an endpoint with its dialect, or an
/// embedded reference server playing a profile (a lab without the real one,
/// and a second version beside it).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetConfig {
    /// The API base URL.
    pub endpoint: Option<String>,
    /// The version an embedded reference server plays, instead of an endpoint.
    pub profile: Option<String>,
    /// The scenarios it runs (with an endpoint; a profile implies it).
    pub dialect: Option<String>,
    /// Accept any certificate.
    pub insecure: Option<bool>,
    /// A CA (or the server's own self-signed certificate) to trust.
    pub cacert: Option<PathBuf>,
    /// A client certificate.
    pub cert: Option<PathBuf>,
    /// Its key.
    pub key: Option<PathBuf>,
    /// The environment variable holding the administrator's name.
    pub user_env: Option<String>,
    /// The environment variable holding the administrator's password.
    pub password_env: Option<String>,
    /// The environment variable holding the second account's name.
    pub tenant_user_env: Option<String>,
    /// The environment variable holding the second account's password.
    pub tenant_password_env: Option<String>,
    /// Sessions this target may have open at once (its server's cap, less
    /// what others need).
    pub max_sessions: Option<usize>,
}

/// The configuration file of a run: the one named, or the nearest
/// `sessionconf.toml` from `start` upwards, or none.
pub fn find(
    named: Option<&Path>,
    start: &Path,
) -> Result<Option<(PathBuf, ConfigFile)>, ConfigError> {
    let path = match named {
        Some(p) => p.to_path_buf(),
        None => match start
            .ancestors()
            .map(|d| d.join(FILE_NAME))
            .find(|p| p.is_file())
        {
            Some(p) => p,
            None => return Ok(None),
        },
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        ConfigError::file(&path, format!("cannot read the configuration file: {e}"))
    })?;
    let mut file = parse(&path, &text)?;
    file.anchor(path.parent().unwrap_or(Path::new(".")));
    Ok(Some((path, file)))
}

/// Reads a configuration file's text; `path` names it in errors.
pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, ConfigError> {
    let file: ConfigFile = toml::from_str(text).map_err(|e| {
        let message = e.message().trim_end().to_string();
        match e.span() {
            Some(span) => {
                let (line, col) = crate::error::line_col(text, span.start);
                ConfigError::at(path, line, col, message)
            }
            None => ConfigError::file(path, message),
        }
    })?;
    file.check(path)?;
    Ok(file)
}

impl ConfigFile {
    /// Paths in the file are relative to its directory.
    fn anchor(&mut self, dir: &Path) {
        let fix = |p: &mut Option<PathBuf>| {
            if let Some(path) = p.as_mut().filter(|p| p.is_relative()) {
                *path = dir.join(&*path);
            }
        };
        for p in [
            &mut self.scenarios,
            &mut self.golden_dir,
            &mut self.junit,
            &mut self.json,
            &mut self.html,
            &mut self.vars_file,
        ] {
            fix(p);
        }
        for p in [&mut self.cacert, &mut self.cert, &mut self.key] {
            fix(p);
        }
        for t in self.targets.values_mut() {
            for p in [&mut t.cacert, &mut t.cert, &mut t.key] {
                fix(p);
            }
        }
    }

    /// What the types alone do not say: the default target exists, each target
    /// is an endpoint or a profile, variable names are names.
    fn check(&self, path: &Path) -> Result<(), ConfigError> {
        for (name, t) in &self.targets {
            let why = match (&t.endpoint, &t.profile, &t.dialect) {
                (Some(_), Some(_), _) => "has an endpoint and a profile; give one of them",
                (None, None, _) => "needs an endpoint (with its dialect) or a profile",
                (Some(_), None, None) => "has an endpoint but no dialect",
                _ => continue,
            };
            return Err(ConfigError::file(path, format!("[targets.{name}] {why}")));
        }
        if let Some(name) = &self.target {
            self.target(name)
                .map_err(|why| ConfigError::file(path, format!("target = {name:?}: {why}")))?;
        }
        if let Some(bad) = self
            .vars
            .keys()
            .find(|k| !crate::placeholder::is_variable_name(k))
        {
            return Err(ConfigError::file(
                path,
                format!("[vars] {bad:?} is not a variable name (letters, digits, `_`, `-`)"),
            ));
        }
        Ok(())
    }

    /// The target called `name`, or why there is none.
    pub fn target(&self, name: &str) -> Result<&TargetConfig, String> {
        self.targets.get(name).ok_or_else(|| {
            let names: Vec<&str> = self.targets.keys().map(String::as_str).collect();
            format!(
                "no target `{name}`{} (the configuration has: {})",
                crate::suggest::did_you_mean(name, names.iter().copied()),
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            )
        })
    }
}

/// Reads `--vars-file`: a YAML map of names to text.
pub fn read_vars_file(path: &Path) -> Result<BTreeMap<String, String>, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::file(path, format!("cannot read the variables file: {e}")))?;
    let vars: BTreeMap<String, String> =
        serde_yaml::from_str(&text).map_err(|e| match e.location() {
            Some(loc) => ConfigError::at(
                path,
                loc.line() as u32,
                loc.column() as u32,
                format!("expected a map of variable names to text: {e}"),
            ),
            None => ConfigError::file(
                path,
                format!("expected a map of variable names to text: {e}"),
            ),
        })?;
    if let Some(bad) = vars
        .keys()
        .find(|k| !crate::placeholder::is_variable_name(k))
    {
        return Err(ConfigError::file(
            path,
            format!("{bad:?} is not a variable name (letters, digits, `_`, `-`)"),
        ));
    }
    Ok(vars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_options_targets_and_variables_with_paths_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            "timeout = 5\ninsecure = true\n[vars]\napi = \"v1_5\"\n[targets.em01]\nendpoint = \"https://em01:9398/api/\"\ndialect = \"veeam-em\"\ncacert = \"em01.pem\"\nuser_env = \"EM01_USER\"\n",
        )
        .unwrap();
        let (path, file) = find(None, &nested).unwrap().unwrap();
        assert_eq!(path, dir.path().join(FILE_NAME));
        assert_eq!(file.timeout, Some(5.0));
        assert_eq!(file.insecure, Some(true));
        assert_eq!(file.vars["api"], "v1_5");
        let em01 = file.target("em01").unwrap();
        assert_eq!(
            em01.cacert.as_deref(),
            Some(dir.path().join("em01.pem").as_path())
        );
        assert_eq!(em01.user_env.as_deref(), Some("EM01_USER"));
        let why = file.target("em1").unwrap_err();
        assert!(why.contains("did you mean `em01`?"), "{why}");
        assert!(find(None, Path::new("/")).unwrap().is_none());
    }

    #[test]
    fn unknown_keys_are_located() {
        let path = Path::new("sessionconf.toml");
        let err = parse(path, "timeout = 5\ntimout = 6\n").unwrap_err();
        assert_eq!((err.line, err.col), (Some(2), Some(1)), "{err}");
        assert!(err.message.contains("unknown field `timout`"), "{err}");
        let err = parse(
            path,
            "[targets.a]\nendpoint = \"x\"\ndialect = \"d\"\npassword = \"secret\"\n",
        )
        .unwrap_err();
        assert_eq!(err.line, Some(4), "{err}");
        for (text, why) in [
            (
                "endpoint = \"x\"\nprofile = \"em-12\"\n",
                "has an endpoint and a profile; give one of them",
            ),
            (
                "dialect = \"veeam-em\"\n",
                "needs an endpoint (with its dialect) or a profile",
            ),
            ("endpoint = \"x\"\n", "has an endpoint but no dialect"),
        ] {
            let err = parse(path, &format!("[targets.a]\n{text}")).unwrap_err();
            assert_eq!(err.message, format!("[targets.a] {why}"), "{err}");
        }
        assert!(parse(path, "[targets.a]\nprofile = \"em-12\"\n").is_ok());
        let err = parse(path, "target = \"b\"\n").unwrap_err();
        assert!(err.message.contains("no target `b`"), "{err}");
        let err = parse(path, "timeout = \"x\"\n").unwrap_err();
        assert_eq!(err.line, Some(1), "{err}");
    }
}
