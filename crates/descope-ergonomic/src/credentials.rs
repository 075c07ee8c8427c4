//! The project id, the three secrets, and the `Authorization` values built from them.
//!
//! Secrets are checked once, when they are wrapped, so that a value that could
//! break the header (CR/LF, a `:` where it would shift the parts) never gets
//! further. They are held by `secrecy` and print as `[REDACTED]`.

use std::fmt;
use std::sync::Arc;

use reqwest::header::HeaderValue;
use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretString};

use crate::error::{Field, Reason, ValidationError};

/// Longest project id accepted; real ids are 28 or 32 characters.
const MAX_PROJECT_ID: usize = 64;
/// Longest secret accepted, far above any real key or refresh JWT.
const MAX_SECRET: usize = 16 * 1024;

/// A Descope project id: ASCII letters, digits, `-` and `_`, never a `:`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ProjectId(Arc<str>);

impl ProjectId {
    /// Checks and wraps a project id.
    ///
    /// ```
    /// # use descope_ergonomic::ProjectId;
    /// let id = ProjectId::new("P2aAc4T2V93bddihGEx2Ryhc8e5Z").unwrap();
    /// assert_eq!(id.region(), None);
    /// assert!(ProjectId::new("P2a:injected").is_err());
    /// ```
    pub fn new(value: impl AsRef<str>) -> Result<Self, ValidationError> {
        let value = value.as_ref();
        let refuse = |reason| Err(ValidationError::new(Field::ProjectId, reason));
        if value.trim().is_empty() {
            return refuse(Reason::Empty);
        }
        if value.chars().any(char::is_control) {
            return refuse(Reason::ControlCharacter);
        }
        if !value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return refuse(Reason::InvalidCharacter);
        }
        if value.len() > MAX_PROJECT_ID {
            return refuse(Reason::TooLong);
        }
        Ok(Self(value.into()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The region code embedded in ids of 32 or more characters (characters
    /// 1 to 4, lowercased), which selects `https://api.<region>.descope.com`.
    pub fn region(&self) -> Option<String> {
        (self.0.len() >= 32).then(|| self.0[1..5].to_ascii_lowercase())
    }
}

impl fmt::Debug for ProjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ProjectId").field(&self.as_str()).finish()
    }
}

impl fmt::Display for ProjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Checks a secret: non-empty, visible ASCII only (what a header value may
/// hold), and, where it sits between separators, no `:`.
fn check_secret(value: &str, field: Field, colon_allowed: bool) -> Result<(), ValidationError> {
    // The common case in one pass without early exit (so it vectorises): a
    // refresh JWT is checked on every call and runs to hundreds of bytes.
    // Anything else falls through to the checks that name the reason.
    let allowed = |b: u8| b.is_ascii_graphic() && (colon_allowed || b != b':');
    let all_allowed = value.bytes().fold(true, |ok, b| ok & allowed(b));
    if all_allowed && !value.is_empty() && value.len() <= MAX_SECRET {
        return Ok(());
    }
    let refuse = |reason| Err(ValidationError::new(field, reason));
    if value.trim().is_empty() {
        return refuse(Reason::Empty);
    }
    if value.chars().any(char::is_control) {
        return refuse(Reason::ControlCharacter);
    }
    // Not empty, no control character: a character or the length failed.
    refuse(if all_allowed {
        Reason::TooLong
    } else {
        Reason::InvalidCharacter
    })
}

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident, $field:expr, colon_allowed = $colon:expr) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(SecretString);

        impl $name {
            /// Checks and wraps the secret. The error names the field, never the value.
            pub fn new(value: impl Into<String>) -> Result<Self, ValidationError> {
                let mut value = Zeroizing::new(value.into());
                check_secret(&value, $field, $colon)?;
                // Move the secret rather than copy it, unless the move would
                // reallocate (spare capacity) and leave a copy behind.
                let secret = if value.capacity() == value.len() {
                    SecretString::from(std::mem::take(&mut *value))
                } else {
                    SecretString::from(value.as_str())
                };
                Ok(Self(secret))
            }

            /// The secret itself. Call only to hand it to something that must see it.
            pub fn expose_secret(&self) -> &str {
                self.0.expose_secret()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "([REDACTED])"))
            }
        }
    };
}

secret_type!(
    /// A signed-in end user's refresh JWT (it never contains `:`).
    RefreshJwt,
    Field::RefreshJwt,
    colon_allowed = false
);
secret_type!(
    /// A project management key: administrative access, servers only.
    ManagementKey,
    Field::ManagementKey,
    colon_allowed = true
);
secret_type!(
    /// The auth management key some projects require on end-user calls.
    AuthManagementKey,
    Field::AuthManagementKey,
    colon_allowed = true
);

/// Joins `Bearer ` and the parts with `:` into a header value marked sensitive.
fn bearer(parts: &[&str]) -> HeaderValue {
    // Written straight into the buffer the header value keeps: no temporary
    // copy of the secret is made, so none is left to wipe (this runs per call).
    let mut text = Vec::with_capacity(7 + parts.iter().map(|p| p.len() + 1).sum::<usize>());
    text.extend_from_slice(b"Bearer ");
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            text.push(b':');
        }
        text.extend_from_slice(part.as_bytes());
    }
    let mut value = HeaderValue::from_maybe_shared(bytes::Bytes::from(text))
        .expect("every part was checked to be visible ASCII when it was wrapped");
    value.set_sensitive(true);
    value
}

/// Builds `Authorization: Bearer <ProjectId>:<RefreshJWT>[:<AuthManagementKey>]`,
/// the credential of end-user operations such as the phone update.
///
/// Usable on its own with `descope-raw`:
///
/// ```
/// # use descope_ergonomic::{ProjectId, RefreshJwt, UserAuthorization};
/// let project = ProjectId::new("P2aAc4T2V93bddihGEx2Ryhc8e5Z").unwrap();
/// let jwt = RefreshJwt::new("eyJhbGciOi.payload.sig").unwrap();
/// let value = UserAuthorization::new(&project, &jwt).header_value();
/// assert!(value.is_sensitive());
/// assert_eq!(value.to_str().unwrap(), "Bearer P2aAc4T2V93bddihGEx2Ryhc8e5Z:eyJhbGciOi.payload.sig");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct UserAuthorization<'a> {
    project_id: &'a ProjectId,
    refresh_jwt: &'a RefreshJwt,
    auth_management_key: Option<&'a AuthManagementKey>,
}

impl<'a> UserAuthorization<'a> {
    /// The two-part form, `<ProjectId>:<RefreshJWT>`.
    pub fn new(project_id: &'a ProjectId, refresh_jwt: &'a RefreshJwt) -> Self {
        Self {
            project_id,
            refresh_jwt,
            auth_management_key: None,
        }
    }

    /// Appends the auth management key as a third part.
    pub fn auth_management_key(mut self, key: Option<&'a AuthManagementKey>) -> Self {
        self.auth_management_key = key;
        self
    }

    /// The header value, marked sensitive.
    pub fn header_value(&self) -> HeaderValue {
        match self.auth_management_key {
            Some(key) => bearer(&[
                self.project_id.as_str(),
                self.refresh_jwt.expose_secret(),
                key.expose_secret(),
            ]),
            None => bearer(&[self.project_id.as_str(), self.refresh_jwt.expose_secret()]),
        }
    }
}

/// Builds `Authorization: Bearer <ProjectId>:<ManagementKey>`, the credential
/// of management operations such as the embedded link.
///
/// ```
/// # use descope_ergonomic::{ManagementAuthorization, ManagementKey, ProjectId};
/// let project = ProjectId::new("P2aAc4T2V93bddihGEx2Ryhc8e5Z").unwrap();
/// let key = ManagementKey::new("K2xyz").unwrap();
/// let value = ManagementAuthorization::new(&project, &key).header_value();
/// assert_eq!(value.to_str().unwrap(), "Bearer P2aAc4T2V93bddihGEx2Ryhc8e5Z:K2xyz");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ManagementAuthorization<'a> {
    project_id: &'a ProjectId,
    management_key: &'a ManagementKey,
}

impl<'a> ManagementAuthorization<'a> {
    /// The `<ProjectId>:<ManagementKey>` form.
    pub fn new(project_id: &'a ProjectId, management_key: &'a ManagementKey) -> Self {
        Self {
            project_id,
            management_key,
        }
    }

    /// The header value, marked sensitive.
    pub fn header_value(&self) -> HeaderValue {
        bearer(&[
            self.project_id.as_str(),
            self.management_key.expose_secret(),
        ])
    }
}

/// Builds `Authorization: Bearer <ProjectId>`, the credential of calls that
/// a token in the body authenticates, such as `VerifyMagicLink`.
///
/// ```
/// # use descope_ergonomic::{ProjectAuthorization, ProjectId};
/// let project = ProjectId::new("P2aAc4T2V93bddihGEx2Ryhc8e5Z").unwrap();
/// let value = ProjectAuthorization::new(&project).header_value();
/// assert_eq!(value.to_str().unwrap(), "Bearer P2aAc4T2V93bddihGEx2Ryhc8e5Z");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ProjectAuthorization<'a> {
    project_id: &'a ProjectId,
}

impl<'a> ProjectAuthorization<'a> {
    /// The `<ProjectId>` form.
    pub fn new(project_id: &'a ProjectId) -> Self {
        Self { project_id }
    }

    /// The header value, marked sensitive like the others.
    pub fn header_value(&self) -> HeaderValue {
        bearer(&[self.project_id.as_str()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons(value: &str) -> [Option<Reason>; 3] {
        let reason = |result: Result<(), ValidationError>| result.err().map(|e| e.reason());
        [
            reason(RefreshJwt::new(value).map(drop)),
            reason(ManagementKey::new(value).map(drop)),
            reason(AuthManagementKey::new(value).map(drop)),
        ]
    }

    #[test]
    fn secrets_are_capped_at_16_kib() {
        assert_eq!(MAX_SECRET, 16_384);
        let longest = "k".repeat(MAX_SECRET);
        assert_eq!(reasons(&longest), [None, None, None]);
        let over = "k".repeat(MAX_SECRET + 1);
        assert_eq!(reasons(&over), [Some(Reason::TooLong); 3]);
        // Length is checked after the characters: a bad character says so.
        let over_with_space = format!("{over} ");
        assert_eq!(
            reasons(&over_with_space),
            [Some(Reason::InvalidCharacter); 3]
        );
    }

    #[test]
    fn each_refusal_names_its_reason() {
        let all = |reason| [Some(reason); 3];
        assert_eq!(reasons(""), all(Reason::Empty));
        assert_eq!(reasons("   "), all(Reason::Empty));
        assert_eq!(reasons("\n\t"), all(Reason::Empty));
        assert_eq!(reasons("a\nb"), all(Reason::ControlCharacter));
        assert_eq!(reasons("a\u{7f}b"), all(Reason::ControlCharacter));
        assert_eq!(reasons("a b"), all(Reason::InvalidCharacter));
        assert_eq!(reasons("kéy"), all(Reason::InvalidCharacter));
        // A `:` would shift the parts of the header only where a part follows.
        assert_eq!(reasons("a:b"), [Some(Reason::InvalidCharacter), None, None]);
        assert_eq!(reasons("!~visible"), [None, None, None]);
    }

    #[test]
    fn project_ids_and_headers() {
        let id = ProjectId::new("P2aAc4T2V93bddihGEx2Ryhc8e5Z").unwrap();
        assert_eq!(
            format!("{id:?}"),
            "ProjectId(\"P2aAc4T2V93bddihGEx2Ryhc8e5Z\")"
        );
        assert_eq!(id.to_string(), "P2aAc4T2V93bddihGEx2Ryhc8e5Z");
        let long = "x".repeat(MAX_PROJECT_ID);
        assert!(ProjectId::new(&long).is_ok());
        let refused = |value: &str| ProjectId::new(value).unwrap_err().reason();
        assert_eq!(refused(&format!("{long}x")), Reason::TooLong);
        assert_eq!(refused(" "), Reason::Empty);
        assert_eq!(refused("P\n1"), Reason::ControlCharacter);
        assert_eq!(refused("P:1"), Reason::InvalidCharacter);
        let key = ManagementKey::new("K:1").unwrap();
        assert_eq!(format!("{key:?}"), "ManagementKey([REDACTED])");
        let value = ManagementAuthorization::new(&id, &key).header_value();
        assert!(value.is_sensitive());
        assert_eq!(value, "Bearer P2aAc4T2V93bddihGEx2Ryhc8e5Z:K:1");
    }
}
