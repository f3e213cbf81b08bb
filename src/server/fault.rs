//! Ways to break the reference server on purpose, each departing from one
//! documented requirement, to show that a suite catches it (`--fault`,
//! `sessionconf strength`).

use super::Dialect;

macro_rules! faults {
    ($( $what:literal $variant:ident = $name:literal, $dialects:expr, $em:literal, $cv:literal; )*) => {
        /// Ways to break the reference server on purpose, to show the suite catches each.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Fault {
            $( #[doc = $what] $variant, )*
        }

        impl Fault {
            /// Every fault.
            pub const ALL: &'static [Fault] = &[$(Fault::$variant),*];

            /// The fault's name, as `--fault` takes it.
            pub fn name(self) -> &'static str {
                match self { $(Fault::$variant => $name,)* }
            }

            /// What the fault breaks, in a sentence (`serve --fault list`
            /// and an unknown name show it beside the name).
            pub fn describe(self) -> &'static str {
                match self { $(Fault::$variant => $what,)* }
            }

            fn dialects(self) -> Dialects {
                match self { $(Fault::$variant => $dialects,)* }
            }

            /// The documented requirement the fault departs from, in `dialect`'s
            /// catalogue (`src/knowledge/*/requirements.yaml`); `None` where the
            /// fault does not exist.
            pub fn breaks(self, dialect: Dialect) -> Option<&'static str> {
                if !self.applies_to(dialect) {
                    return None;
                }
                Some(match (self, dialect) {
                    $((Fault::$variant, Dialect::VeeamEm) => $em,)*
                    $((Fault::$variant, Dialect::Commvault) => $cv,)*
                })
            }
        }
    };
}

/// The servers a fault exists in.
#[derive(Clone, Copy)]
enum Dialects {
    Both,
    Em,
    Cv,
}
use Dialects::{Both, Cv, Em};

faults! {
    "Any password logs on."
    AcceptAnyPassword = "accept-any-password", Both, "em.logon.bad-credentials", "cv.login.bad-credentials";
    "A request without a token is served as an administrator's."
    IgnoreMissingToken = "ignore-missing-token", Both, "em.auth.token-required", "cv.auth.token-required";
    "An unknown token is served as an administrator's."
    AcceptAnyToken = "accept-any-token", Both, "em.auth.unknown-token", "cv.auth.unknown-token";
    "Logout answers success but the session goes on."
    KeepEndedSessions = "keep-ended-sessions", Both, "em.logout.token-refused", "cv.logout.token-refused";
    "LogonSession has no Delete link."
    NoDeleteLink = "no-delete-link", Em, "em.logon.delete-link", "";
    "A tenant lists every session."
    TenantSeesAll = "tenant-sees-all", Em, "em.tenant.sees-own-sessions", "";
    "A tenant may read administrator resources."
    TenantAdminAccess = "tenant-admin-access", Em, "em.tenant.admin-resource-403", "";
    "A malformed LoginSpec logs on."
    AcceptMalformedBody = "accept-malformed-body", Em, "em.logon.malformed-400", "";
    "Responses in another namespace."
    WrongNamespace = "wrong-namespace", Em, "em.representation.namespace", "";
    "DELETE Sessions ends every session, not just the listed ones."
    LogoffAll = "logoff-all", Cv, "", "cv.logoff.listed-only";
    "The JSON form leaves out the session id: LogonSession's `SessionId` (Enterprise Manager), each listed session's `sessionId` (Commvault)."
    JsonNoSessionId = "json-no-session-id", Both, "em.logon.session-body", "cv.sessions.fields";
    "The JSON LogonSession's Delete link points at another session."
    JsonDeleteLinkElsewhere = "json-delete-link-elsewhere", Em, "em.logon.delete-link", "";
    "The JSON form writes its numbers as strings (`\"StatusCode\": \"401\"`)."
    JsonNumbersAsStrings = "json-numbers-as-strings", Both, "em.error.body", "cv.sessions.fields";
    "DELETE of a session ends it but answers 200, not 204."
    DeleteAnswers200 = "delete-answers-200", Em, "em.logout.delete-204", "";
    "Logout answers \"User logged out\" and ends nothing; DELETE Sessions still works."
    LogoutKeepsSession = "logout-keeps-session", Cv, "", "cv.logout.token-refused";
    "A logon answers 200, not 201."
    LogonAnswers200 = "logon-answers-200", Em, "em.logon.status-201", "";
    "A logon sets no session cookie."
    NoSessionCookie = "no-session-cookie", Em, "em.logon.session-cookie", "";
    "LogonSession has no Up link."
    NoUpLink = "no-up-link", Em, "em.logon.up-link", "";
    "LogonSession writes SessionId before UserName."
    SessionIdFirst = "session-id-first", Em, "em.logon.session-body", "";
    "A refused logon's 401 has no `WWW-Authenticate` challenge."
    NoBasicChallenge = "no-basic-challenge", Em, "em.logon.bad-credentials", "";
    "`/api/` lists no Create link for `sessionMngr/?v=latest`."
    EntryPointNoCreateLink = "entry-point-no-create-link", Em, "em.entry.links", "";
    "A lookup of an unknown session id answers with the caller's own session."
    UnknownSessionServed = "unknown-session-served", Em, "em.session.unknown-404", "";
    "A session ended by DELETE is still listed (its token is refused)."
    EndedSessionListed = "ended-session-listed", Em, "em.logout.not-listed", "";
    "Error bodies leave out StatusCode."
    ErrorWithoutStatusCode = "error-without-status-code", Em, "em.error.body", "";
    "Tenant credentials are always refused."
    TenantLogonRefused = "tenant-logon-refused", Em, "em.tenant.logon", "";
    "A tenant's LogonSession has no CloudConnectService link."
    TenantNoCloudLink = "tenant-no-cloud-link", Em, "em.tenant.cloud", "";
    "Only `?v=latest` logs on; the versions `/api/` lists are refused."
    LatestOnly = "latest-only", Em, "em.logon.status-201", "";
    "The session list leaves out the caller's own session."
    ListOmitsCaller = "list-omits-caller", Both, "em.sessions.list-own", "cv.sessions.list-own";
    "A failed login answers an empty CheckCredentialResp, without errList."
    FailedLoginWithoutErrList = "failed-login-without-errlist", Cv, "", "cv.login.bad-credentials";
    "Logout answers \"OK\", not \"User logged out\"."
    LogoutSaysOk = "logout-says-ok", Cv, "", "cv.logout.answer";
    "Listed sessions have no `user`."
    SessionsWithoutUser = "sessions-without-user", Cv, "", "cv.sessions.fields";
    "DELETE Sessions answers a generic response, not Api_LogoffUsersResponse."
    LogoffWrongResponse = "logoff-wrong-response", Cv, "", "cv.logoff.response";
    "The web service root answers 404 before login."
    ServiceRootMissing = "service-root-missing", Cv, "", "cv.service.available";
}

impl Fault {
    /// The fault called `name`.
    pub fn parse(name: &str) -> Option<Fault> {
        Fault::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// Whether the fault exists in `dialect`'s server.
    pub fn applies_to(self, dialect: Dialect) -> bool {
        match self.dialects() {
            Both => true,
            Em => dialect == Dialect::VeeamEm,
            Cv => dialect == Dialect::Commvault,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_and_each_fault_breaks_a_requirement_where_it_exists() {
        for f in Fault::ALL {
            assert_eq!(Fault::parse(f.name()), Some(*f));
            for d in Dialect::ALL {
                let id = f.breaks(d);
                assert_eq!(id.is_some(), f.applies_to(d), "{}", f.name());
                if let Some(id) = id {
                    let vendor = if d == Dialect::VeeamEm { "em." } else { "cv." };
                    assert!(id.starts_with(vendor), "{} breaks {id}", f.name());
                }
            }
        }
        assert_eq!(Fault::parse("no-such-fault"), None);
        assert!(Fault::LogoffAll.applies_to(Dialect::Commvault));
        assert!(!Fault::LogoffAll.applies_to(Dialect::VeeamEm));
        assert!(Fault::NoUpLink.applies_to(Dialect::VeeamEm));
        assert!(!Fault::NoUpLink.applies_to(Dialect::Commvault));
    }
}
