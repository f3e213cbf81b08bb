//! JSON: the response tree (numbers by value, duplicate members refused),
//! compiled goldens with placeholders and `sc:` markers, the comparator with
//! JSON paths, and the pretty printer for goldens and diffs.

pub mod compare;
pub mod expected;
pub mod pretty;
pub mod select;
pub mod value;

pub use value::{parse, Json, JsonError};
