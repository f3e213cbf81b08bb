//! The JSON Schemas of scenario and fragment files, generated from the types the
//! loader reads them into, so an editor's completion and checks never drift
//! from what the loader accepts. Draft 7, which YAML editors read.

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;

use super::model::Fragment;
use super::model::Scenario;

/// Which file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    /// `scenarios/DIALECT/*.yaml`.
    Scenario,
    /// `scenarios/DIALECT/fragments/*.yaml`.
    Fragment,
}

/// The schema of `kind`, as pretty JSON.
pub fn schema(kind: SchemaKind) -> String {
    let value = match kind {
        SchemaKind::Scenario => root::<Scenario>("A sessionconf scenario"),
        SchemaKind::Fragment => {
            root::<Fragment>("A sessionconf fragment: steps a scenario's `use` puts in its place")
        }
    };
    let mut text = serde_json::to_string_pretty(&value).expect("a schema serializes");
    text.push('\n');
    text
}

fn root<T: JsonSchema>(title: &str) -> serde_json::Value {
    let generator = SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<T>().to_value();
    schema["title"] = title.into();
    schema
}
