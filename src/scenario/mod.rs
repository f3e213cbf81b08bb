//! Loading and validating scenarios.

mod checker;
pub mod covers;
mod forms;
mod fragment;
mod index;
pub mod load;
mod matrix;
pub(crate) mod model;
mod positions;
mod schema;
pub(crate) mod template;
mod yaml;

pub(crate) use load::load_built_in_json;
pub use load::{
    load_scenario, load_scenario_source, load_selected, load_suite, load_trials,
    load_trials_source, GoldenEntry, LoadedScenario, Selected, SuiteSource, Unloaded, Wanted,
};
pub use schema::{schema, SchemaKind};
pub(crate) use yaml::parse_yaml;

/// Variables every scenario has: the credentials and the endpoint.
pub const BUILTIN_VARIABLES: [&str; 5] = [
    "user",
    "password",
    "tenant_user",
    "tenant_password",
    "base_url",
];
