//! Reading a YAML document into a model type, with errors that say where the
//! mistake is (file, line, column) and which key was meant.

use std::path::Path;

use super::positions::{NodePath, Positions, Seg};
use crate::error::ConfigError;

/// Reads a YAML document into `T`; an error says where it is. Anchors work as
/// YAML has them; merge keys (`<<: *name`) are applied first.
pub(crate) fn parse_yaml<T: serde::de::DeserializeOwned>(
    file: &Path,
    source: &str,
) -> Result<T, ConfigError> {
    if !source.contains("<<") {
        return serde_yaml::from_str(source).map_err(|e| yaml_error(file, source, &e));
    }
    let mut value: serde_yaml::Value =
        serde_yaml::from_str(source).map_err(|e| yaml_error(file, source, &e))?;
    value
        .apply_merge()
        .map_err(|e| yaml_error(file, source, &e))?;
    // The merged tree has no positions of its own: the path of the node that
    // did not fit finds it in the source.
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path: NodePath = e
            .path()
            .iter()
            .filter_map(|seg| match seg {
                serde_path_to_error::Segment::Seq { index } => Some(Seg::Index(*index)),
                serde_path_to_error::Segment::Map { key } => Some(Seg::Key(key.clone())),
                _ => None,
            })
            .collect();
        let (line, col) = Positions::of(source).at(&path);
        let message = without_location(&e.inner().to_string());
        ConfigError::at(file, line, col, format!("{}: {message}", e.path()))
    })
}

/// serde's message without its own copy of the location, and with a "did you
/// mean" when an unknown key is close to one the format has.
fn without_location(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    };
    format!("{message}{}", unknown_key_hint(message))
}

fn unknown_key_hint(message: &str) -> String {
    let Some(rest) = message.split("unknown field `").nth(1) else {
        return String::new();
    };
    let Some((key, expected)) = rest.split_once('`') else {
        return String::new();
    };
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    crate::suggest::did_you_mean(key, known)
}

fn yaml_error(file: &Path, source: &str, error: &serde_yaml::Error) -> ConfigError {
    // The location is reported in its own fields; drop serde_yaml's copy of it.
    let mut message = without_location(&error.to_string());
    let Some(loc) = error.location() else {
        return ConfigError::file(file, message);
    };
    let line_text = source
        .lines()
        .nth(loc.line().saturating_sub(1))
        .unwrap_or("");
    let indent: String = line_text
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    if indent.contains('\t') {
        message = format!("a tab in the indentation: YAML allows only spaces there ({message})");
    }
    ConfigError::at(file, loc.line() as u32, loc.column() as u32, message)
}
