//! Every secret the crate takes or hands back is one type, [`Secret<K>`]:
//! the kind `K` gives it its name and the rule a value must pass. It holds
//! the text in `descope_raw::Secret`, the type the generated code gives
//! secrets, so a secret from a response moves into it without a copy.
//! Neither prints the text; [`Secret::expose_secret`] is the one way to it.

use std::fmt;
use std::marker::PhantomData;

use crate::error::{Field, Reason, ValidationError};
use crate::input::check_text;

/// Longest secret accepted, far above any real key or JWT.
const MAX_SECRET: usize = 16 * 1024;

/// A secret of kind `K` (a refresh JWT, a key, a token): checked once, when
/// it is made, by its kind's rule. Its `Debug` shows the kind and
/// `[REDACTED]`, never the value.
///
/// ```
/// # use descope_ergonomic::RefreshJwt;
/// let jwt = RefreshJwt::new("eyJhbGciOi.payload.sig").unwrap();
/// assert_eq!(format!("{jwt:?}"), "RefreshJwt([REDACTED])");
/// assert_eq!(jwt.expose_secret(), "eyJhbGciOi.payload.sig");
/// assert!(RefreshJwt::new("a\r\nb").is_err());
/// ```
pub struct Secret<K>(descope_raw::Secret, PhantomData<fn() -> K>);

impl<K: Kind> Secret<K> {
    /// Checks and wraps the secret. The error names the field, never the value.
    pub fn new(value: impl Into<String>) -> Result<Self, ValidationError> {
        let value = value.into();
        K::check(&value)?;
        Ok(Self::unchecked(value))
    }

    /// A secret a response gave: Descope's to vouch for, not ours to refuse.
    pub(crate) fn unchecked(value: String) -> Self {
        Self(descope_raw::Secret::new(value), PhantomData)
    }

    /// The secret itself. Call only to hand it to something that must see it.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl<K> Clone for Secret<K> {
    fn clone(&self) -> Self {
        Self(self.0.clone(), PhantomData)
    }
}

impl<K: Kind> fmt::Debug for Secret<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}([REDACTED])", K::NAME)
    }
}

/// What a [`Secret`] is: its name and the rule its values pass. Only this
/// crate's kinds ([`kind`]) implement it.
pub trait Kind: sealed::Sealed {
    /// The name its `Debug` shows.
    const NAME: &'static str;

    /// Whether `value` may be one, and if not, why.
    #[doc(hidden)]
    fn check(value: &str) -> Result<(), ValidationError>;
}

mod sealed {
    /// Only this crate's kinds are secrets' kinds.
    pub trait Sealed {}
}

/// The kinds of secret, one per job.
pub mod kind {
    use super::*;

    /// A credential that goes into `Authorization: Bearer <ProjectId>:...`:
    /// visible ASCII (what a header value may hold), not blank, at most 16
    /// KiB, and, where a part follows it, no `:`.
    fn header_part(value: &str, field: Field, colon_allowed: bool) -> Result<(), ValidationError> {
        let allowed = |b: u8| b.is_ascii_graphic() && (colon_allowed || b != b':');
        // A refresh JWT is checked on every call: the valid case in one pass
        // without early exit, which vectorises (about 800 instructions for a
        // 330-byte JWT, against 4,100 with `all` and 8,800 with the checks
        // below, which decode characters); only a refusal goes on to name
        // its reason. It keeps the wrapper under its instruction ceiling.
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

    /// Declares a kind: its type, name and rule.
    macro_rules! kinds {
        ($($(#[$doc:meta])* $name:ident => $check:expr;)*) => {$(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub enum $name {}

            impl sealed::Sealed for $name {}

            impl Kind for $name {
                const NAME: &'static str = stringify!($name);

                fn check(value: &str) -> Result<(), ValidationError> {
                    $check(value)
                }
            }
        )*};
    }

    kinds! {
        /// A signed-in end user's refresh JWT (it never contains `:`).
        RefreshJwt => |v| header_part(v, Field::RefreshJwt, false);
        /// A project management key: administrative access, servers only.
        ManagementKey => |v| header_part(v, Field::ManagementKey, true);
        /// The auth management key some projects require on end-user calls.
        AuthManagementKey => |v| header_part(v, Field::AuthManagementKey, true);
        /// A session JWT: what a service validates on each request.
        SessionJwt => |v| header_part(v, Field::SessionJwt, false);
        /// The one-time token of a magic or embedded link: not blank, no
        /// control characters or spaces.
        LinkToken => |v: &str| {
            check_text(Field::Token, v)?;
            if v.contains(' ') {
                return Err(ValidationError::new(Field::Token, Reason::InvalidCharacter));
            }
            Ok(())
        };
    }
}

/// A signed-in end user's refresh JWT.
pub type RefreshJwt = Secret<kind::RefreshJwt>;
/// A project management key.
pub type ManagementKey = Secret<kind::ManagementKey>;
/// The auth management key some projects require on end-user calls.
pub type AuthManagementKey = Secret<kind::AuthManagementKey>;
/// A session JWT.
pub type SessionJwt = Secret<kind::SessionJwt>;
/// The one-time token of a magic link or an embedded link: what
/// [`MagicLink::verify`](crate::magic_link::MagicLink::verify) exchanges for
/// a session.
pub type LinkToken = Secret<kind::LinkToken>;

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons(value: &str) -> [Option<Reason>; 4] {
        let reason = |result: Result<(), ValidationError>| result.err().map(|e| e.reason());
        [
            reason(RefreshJwt::new(value).map(drop)),
            reason(ManagementKey::new(value).map(drop)),
            reason(AuthManagementKey::new(value).map(drop)),
            reason(SessionJwt::new(value).map(drop)),
        ]
    }

    #[test]
    fn secrets_are_capped_at_16_kib() {
        assert_eq!(MAX_SECRET, 16_384);
        let longest = "k".repeat(MAX_SECRET);
        assert_eq!(reasons(&longest), [None; 4]);
        let over = "k".repeat(MAX_SECRET + 1);
        assert_eq!(reasons(&over), [Some(Reason::TooLong); 4]);
        // Length is checked after the characters: a bad character says so.
        let over_with_space = format!("{over} ");
        assert_eq!(
            reasons(&over_with_space),
            [Some(Reason::InvalidCharacter); 4]
        );
    }

    #[test]
    fn each_refusal_names_its_reason() {
        let all = |reason| [Some(reason); 4];
        assert_eq!(reasons(""), all(Reason::Empty));
        assert_eq!(reasons("   "), all(Reason::Empty));
        assert_eq!(reasons("\n\t"), all(Reason::Empty));
        assert_eq!(reasons("a\nb"), all(Reason::ControlCharacter));
        assert_eq!(reasons("a\u{7f}b"), all(Reason::ControlCharacter));
        assert_eq!(reasons("a b"), all(Reason::InvalidCharacter));
        assert_eq!(reasons("kéy"), all(Reason::InvalidCharacter));
        // A `:` would shift the parts of the header only where a part follows.
        let colon = Some(Reason::InvalidCharacter);
        assert_eq!(reasons("a:b"), [colon, None, None, colon]);
        assert_eq!(reasons("!~visible"), [None; 4]);
    }

    #[test]
    fn link_tokens_take_text_without_spaces() {
        let reason = |value: &str| LinkToken::new(value).err().map(|e| (e.field(), e.reason()));
        assert_eq!(reason("tok-é:1"), None);
        assert_eq!(reason(" "), Some((Field::Token, Reason::Empty)));
        assert_eq!(
            reason("a\tb"),
            Some((Field::Token, Reason::ControlCharacter))
        );
        assert_eq!(
            reason("a b"),
            Some((Field::Token, Reason::InvalidCharacter))
        );
    }

    #[test]
    fn every_kind_prints_its_name_and_never_the_value() {
        let printed = [
            format!("{:?}", RefreshJwt::new("s3cr3t").unwrap()),
            format!("{:?}", ManagementKey::new("s3cr3t").unwrap()),
            format!("{:?}", AuthManagementKey::new("s3cr3t").unwrap()),
            format!("{:?}", SessionJwt::new("s3cr3t").unwrap()),
            format!("{:?}", LinkToken::new("s3cr3t").unwrap()),
        ];
        let names = [
            "RefreshJwt",
            "ManagementKey",
            "AuthManagementKey",
            "SessionJwt",
            "LinkToken",
        ];
        for (printed, name) in printed.iter().zip(names) {
            assert_eq!(printed, &format!("{name}([REDACTED])"));
        }
        let clone = LinkToken::new("s3cr3t").unwrap().clone();
        assert_eq!(clone.expose_secret(), "s3cr3t");
    }
}
