//! sessionconf: a conformance test harness for backup platforms' session-management REST APIs.

pub mod xml;
