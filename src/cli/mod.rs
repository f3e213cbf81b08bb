//! The command line's own parts: where each option comes from.

pub(crate) mod review;
pub(crate) mod settings;
