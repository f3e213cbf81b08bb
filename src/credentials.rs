//! The accounts a run logs on with, from the environment. The embedded reference
//! server reads the same variables, so both agree without configuration. The
//! defaults are for the embedded servers only: against a real endpoint, trying a
//! well-known password can lock an account, so nothing is guessed.

/// The administrator the embedded servers know by default.
pub const DEFAULT_USER: &str = "Administrator";
/// The embedded servers' default administrator password (never tried against a real endpoint).
pub const DEFAULT_PASSWORD: &str = "Adm1n-Secret";
/// The tenant (second account) the embedded servers know by default.
pub const DEFAULT_TENANT_USER: &str = "ABC Company";
/// The embedded servers' default tenant password.
pub const DEFAULT_TENANT_PASSWORD: &str = "Tenant-Secret1";

/// The two accounts a run logs on with; `Debug` redacts the passwords.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The administrator's account name.
    pub user: String,
    /// The administrator's password.
    pub password: String,
    /// The second account: a Cloud Connect tenant, or Commvault's second user.
    pub tenant_user: String,
    /// The second account's password.
    pub tenant_password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .field("tenant_user", &self.tenant_user)
            .field("tenant_password", &"<redacted>")
            .finish()
    }
}

/// The environment variables that hold a target's accounts (a configured
/// target names its own, so several servers can each have theirs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialVars {
    /// The administrator's name.
    pub user: String,
    /// The administrator's password.
    pub password: String,
    /// The second account's name.
    pub tenant_user: String,
    /// The second account's password.
    pub tenant_password: String,
}

impl Default for CredentialVars {
    fn default() -> Self {
        CredentialVars {
            user: "SESSIONCONF_USER".into(),
            password: "SESSIONCONF_PASSWORD".into(),
            tenant_user: "SESSIONCONF_TENANT_USER".into(),
            tenant_password: "SESSIONCONF_TENANT_PASSWORD".into(),
        }
    }
}

/// Credentials a run against a real endpoint lacks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no credentials for {endpoint}: set {} and {} (and, for the tenant or second-account scenarios, {} and {}); the embedded defaults are never tried against a real server", .vars.user, .vars.password, .vars.tenant_user, .vars.tenant_password)]
pub struct MissingCredentials {
    /// The endpoint, as the user gave it.
    pub endpoint: String,
    /// The variables that were looked at.
    pub vars: CredentialVars,
}

impl Credentials {
    /// The accounts for a real endpoint from the usual variables: the
    /// administrator's must be set, the second account's is optional.
    pub fn for_endpoint(endpoint: &str) -> Result<(Credentials, bool), MissingCredentials> {
        Credentials::for_endpoint_from(endpoint, &CredentialVars::default())
    }

    /// The accounts for a real endpoint from the variables `vars` names; the
    /// flag says whether the second account is set.
    pub fn for_endpoint_from(
        endpoint: &str,
        vars: &CredentialVars,
    ) -> Result<(Credentials, bool), MissingCredentials> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let (Some(user), Some(password)) = (var(&vars.user), var(&vars.password)) else {
            return Err(MissingCredentials {
                endpoint: endpoint.to_string(),
                vars: vars.clone(),
            });
        };
        let tenant = var(&vars.tenant_user).zip(var(&vars.tenant_password));
        let has_tenant = tenant.is_some();
        let (tenant_user, tenant_password) = tenant.unwrap_or_default();
        Ok((
            Credentials {
                user,
                password,
                tenant_user,
                tenant_password,
            },
            has_tenant,
        ))
    }

    /// The embedded servers' accounts, whatever the environment says.
    pub fn embedded() -> Credentials {
        Credentials {
            user: DEFAULT_USER.into(),
            password: DEFAULT_PASSWORD.into(),
            tenant_user: DEFAULT_TENANT_USER.into(),
            tenant_password: DEFAULT_TENANT_PASSWORD.into(),
        }
    }

    /// The accounts from the environment, with the embedded servers' defaults.
    pub fn from_env() -> Credentials {
        let var = |name: &str, default: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| default.to_string())
        };
        Credentials {
            user: var("SESSIONCONF_USER", DEFAULT_USER),
            password: var("SESSIONCONF_PASSWORD", DEFAULT_PASSWORD),
            tenant_user: var("SESSIONCONF_TENANT_USER", DEFAULT_TENANT_USER),
            tenant_password: var("SESSIONCONF_TENANT_PASSWORD", DEFAULT_TENANT_PASSWORD),
        }
    }
}
