//! The shipped suite as `cargo test --test conformance` (and `cargo nextest
//! run`): every scenario a libtest-mimic trial, through the same entry any
//! crate uses. Settings: this crate's `scenarios/` and `golden/`, and the
//! `SESSIONCONF_*` environment variables README lists.

fn main() -> std::process::ExitCode {
    sessionconf::test_main!()
}
