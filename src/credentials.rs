//! The accounts a run logs on with, from the environment. The embedded reference
//! server reads the same variables, so both agree without configuration.

pub const DEFAULT_USER: &str = "Administrator";
pub const DEFAULT_PASSWORD: &str = "Adm1n-Secret";
pub const DEFAULT_TENANT_USER: &str = "ABC Company";
pub const DEFAULT_TENANT_PASSWORD: &str = "Tenant-Secret1";

#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: String,
    pub password: String,
    pub tenant_user: String,
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

impl Credentials {
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
