//! Veeam Backup Enterprise Manager: the probe reads the API versions `/api/`
//! lists and whether Cloud Connect is set up; sessions end by DELETE on their
//! Href; versions from v1_7 answer 500 to a session lookup they cannot serve.
//! The `logon` fragment logs on with HTTP Basic auth and off by the Delete link.

use super::BuiltIn;

pub(super) const BUILT_IN: BuiltIn = BuiltIn {
    dialect: "veeam-em",
    knowledge_json: include_str!("veeam_em/knowledge.json"),
    probe_json: include_str!("veeam_em/probe.json"),
    requirements_json: include_str!("veeam_em/requirements.json"),
    goldens: &[
        ("error-500.xml", include_str!("veeam_em/error-500.xml")),
        ("error-500.json", include_str!("veeam_em/error-500.json")),
    ],
    fragments: &[(
        "logon",
        include_str!("veeam_em/fragments/logon.yaml"),
        include_str!("veeam_em/fragments/logon.json"),
    )],
    fragment_goldens: &[
        (
            "logon-session.xml",
            include_str!("veeam_em/logon-session.xml"),
        ),
        (
            "logon-session.json",
            include_str!("veeam_em/logon-session.json"),
        ),
    ],
};
