//! Commvault: the probe reads the session attributes SP32 and later add;
//! sessions end by Logout or by DELETE Sessions naming them; session times
//! are volatile. The `login` fragment logs on with Login and off with Logout.

use super::BuiltIn;

pub(super) const BUILT_IN: BuiltIn = BuiltIn {
    dialect: "commvault",
    knowledge_json: include_str!("commvault/knowledge.json"),
    probe_json: include_str!("commvault/probe.json"),
    requirements_json: include_str!("commvault/requirements.json"),
    goldens: &[],
    fragments: &[(
        "login",
        include_str!("commvault/fragments/login.yaml"),
        include_str!("commvault/fragments/login.json"),
    )],
    fragment_goldens: &[
        ("login.xml", include_str!("commvault/login.xml")),
        ("login.json", include_str!("commvault/login.json")),
    ],
};
