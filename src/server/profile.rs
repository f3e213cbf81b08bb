//! The vendor versions the reference server can play, each answering in the
//! shapes that version's documents and public captures show (docs/vendors.md).

use super::Dialect;

/// A vendor version, as the reference server plays it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Profile {
    /// Enterprise Manager 9.5 (API v1_3): the seed pages.
    Em95,
    /// Enterprise Manager 9.5 Update 4 (API v1_4): the Delete link loses its Type.
    Em95U4,
    /// Enterprise Manager 12 (API v1_7) without Cloud Connect.
    Em12,
    /// Enterprise Manager 12 with Cloud Connect set up.
    Em12Cloud,
    /// Enterprise Manager 13 (API v1_7) with Cloud Connect set up.
    Em13,
    /// Commvault 11 before SP32 (SP28).
    Cv11Sp28,
    /// Commvault 2024E (11.36).
    Cv2024,
}

impl Profile {
    /// Every profile.
    pub const ALL: [Profile; 7] = [
        Profile::Em95,
        Profile::Em95U4,
        Profile::Em12,
        Profile::Em12Cloud,
        Profile::Em13,
        Profile::Cv11Sp28,
        Profile::Cv2024,
    ];

    /// The name `--profile` takes.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Em95 => "em-9.5",
            Profile::Em95U4 => "em-9.5u4",
            Profile::Em12 => "em-12",
            Profile::Em12Cloud => "em-12-cloud",
            Profile::Em13 => "em-13",
            Profile::Cv11Sp28 => "cv-11.28",
            Profile::Cv2024 => "cv-2024",
        }
    }

    /// The profile called `name`.
    pub fn parse(name: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The dialect it speaks.
    pub fn dialect(self) -> Dialect {
        match self {
            Profile::Cv11Sp28 | Profile::Cv2024 => Dialect::Commvault,
            _ => Dialect::VeeamEm,
        }
    }

    /// The newest profile of a dialect: what the embedded servers play by default.
    pub fn newest(dialect: Dialect) -> Profile {
        match dialect {
            Dialect::VeeamEm => Profile::Em13,
            Dialect::Commvault => Profile::Cv2024,
        }
    }

    /// The profiles of a dialect.
    pub fn of(dialect: Dialect) -> impl Iterator<Item = Profile> {
        Profile::ALL
            .into_iter()
            .filter(move |p| p.dialect() == dialect)
    }

    /// Enterprise Manager: the API versions the server accepts, oldest first.
    pub fn em_versions(self) -> &'static [&'static str] {
        const ALL: [&str; 8] = ["v1", "v1_1", "v1_2", "v1_3", "v1_4", "v1_5", "v1_6", "v1_7"];
        match self {
            Profile::Em95 => &ALL[..4],
            Profile::Em95U4 => &ALL[..5],
            // From 12 on, v1 to v1_4 are no longer supported.
            _ => &ALL[5..],
        }
    }

    /// From 9.5 U4 on: the Delete link has no Type, the entry point's root no
    /// Href or Type, attributes come Href/Type/Rel with xsd/xsi declarations.
    pub fn em_u4_shapes(self) -> bool {
        !matches!(self, Profile::Em95)
    }

    /// Whether Cloud Connect is set up (tenants, the CloudConnectService link).
    pub fn em_cloud_connect(self) -> bool {
        matches!(
            self,
            Profile::Em95 | Profile::Em95U4 | Profile::Em12Cloud | Profile::Em13
        )
    }

    /// Whether the server lists the Down links of newer versions.
    pub fn em_newer_links(self) -> bool {
        !matches!(self, Profile::Em95)
    }

    /// Tokens: base64 of the session GUID's text (9.x) or of 16 random bytes (12 on).
    pub fn em_opaque_tokens(self) -> bool {
        matches!(self, Profile::Em12 | Profile::Em12Cloud | Profile::Em13)
    }

    /// A session lookup the server cannot serve the caller (an unknown id, an
    /// ended session, a tenant asking for an administrator's session) answers
    /// 500 (observed on 12 and 13; 404 or 403 is documented).
    pub fn em_session_lookup_500(self) -> bool {
        matches!(self, Profile::Em12 | Profile::Em12Cloud | Profile::Em13)
    }

    /// The Windows domain in `UserName`.
    pub fn em_domain(self) -> &'static str {
        match self {
            Profile::Em12 | Profile::Em12Cloud => "SRV12",
            Profile::Em13 => "SRV13",
            _ => "EM01",
        }
    }

    /// Commvault: the root of the XML session list. No document publishes it, so
    /// the profiles use different names on purpose: a suite must not depend on it.
    pub fn cv_list_root(self) -> &'static str {
        match self {
            Profile::Cv11Sp28 => "App_GetSessionsResponse",
            _ => "Api_GetSessionsResp",
        }
    }

    /// Commvault: `lastAccessedTime` and `location` exist from SP32 on.
    pub fn cv_sp32(self) -> bool {
        matches!(self, Profile::Cv2024)
    }

    /// Commvault: a refused token's 401 body is text/plain, not the generic
    /// JSON or XML error. No document shows that body; the servers send both
    /// forms, so the profiles differ on purpose: a suite must pin only the status.
    pub fn cv_plain_401(self) -> bool {
        matches!(self, Profile::Cv11Sp28)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_dialects() {
        for p in Profile::ALL {
            assert_eq!(Profile::parse(p.name()), Some(p));
        }
        assert_eq!(Profile::parse("em-14"), None);
        let em: Vec<Profile> = Profile::of(Dialect::VeeamEm).collect();
        assert_eq!(em.len(), 5);
        assert!(em.iter().all(|p| p.dialect() == Dialect::VeeamEm));
        let cv: Vec<&str> = Profile::of(Dialect::Commvault).map(Profile::name).collect();
        assert_eq!(cv, ["cv-11.28", "cv-2024"]);
        assert_eq!(Profile::newest(Dialect::VeeamEm), Profile::Em13);
        assert_eq!(Profile::newest(Dialect::Commvault), Profile::Cv2024);
    }

    #[test]
    fn what_each_version_does() {
        use Profile::*;
        let shapes: Vec<bool> = [Em95, Em95U4, Em12, Em13]
            .map(Profile::em_u4_shapes)
            .to_vec();
        assert_eq!(shapes, [false, true, true, true]);
        assert_eq!(Em95.em_versions().last(), Some(&"v1_3"));
        assert_eq!(Em95U4.em_versions().last(), Some(&"v1_4"));
        assert_eq!(Em12.em_versions(), ["v1_5", "v1_6", "v1_7"]);
        let cloud: Vec<bool> = [Em95, Em12, Em12Cloud, Em13]
            .map(Profile::em_cloud_connect)
            .to_vec();
        assert_eq!(cloud, [true, false, true, true]);
        assert!(!Em95.em_newer_links() && Em95U4.em_newer_links());
        assert!(Cv11Sp28.cv_plain_401() && !Cv2024.cv_plain_401());
        assert!(!Em95U4.em_opaque_tokens() && Em12.em_opaque_tokens());
        assert!(!Em95U4.em_session_lookup_500() && Em13.em_session_lookup_500());
        assert_eq!(Em13.em_domain(), "SRV13");
        assert_ne!(Cv11Sp28.cv_list_root(), Cv2024.cv_list_root());
        assert!(!Cv11Sp28.cv_sp32() && Cv2024.cv_sp32());
    }
}
