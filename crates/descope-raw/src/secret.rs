//! The type the generated code uses for every string the spec marks
//! `format: password` (the embedded-link token, the session JWTs): it does
//! not print.
//!
//! `cargo xtask generate` swaps it in through progenitor's
//! `with_replacement` setting, so no generated code is edited by hand. The
//! schema's `minLength` becomes `MIN_LEN`, checked as the generated types
//! check theirs: a session JWT may be empty (a project that keeps tokens in
//! cookies sends it there), a link token may not.

use std::fmt;
use std::str::FromStr;

/// A secret string from a response (or for a request), at least `MIN_LEN`
/// characters long; its `Debug` shows `[REDACTED]`.
/// [`expose_secret`](Secret::expose_secret) reads it; serialising it writes
/// the value, as the wire needs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<const MIN_LEN: usize = 0>(String);

impl<const MIN_LEN: usize> Secret<MIN_LEN> {
    /// The secret, for the one place that needs it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// The secret as an owned string.
    pub fn into_exposed(self) -> String {
        self.0
    }
}

impl Secret {
    /// Any text, as a secret of no least length.
    pub fn new(value: String) -> Self {
        Secret(value)
    }
}

impl<const MIN_LEN: usize> fmt::Debug for Secret<MIN_LEN> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

/// The refusal of a secret shorter than its schema allows, worded as the
/// generated types word a `minLength` refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooShort(usize);

impl fmt::Display for TooShort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "shorter than {} characters", self.0)
    }
}

impl std::error::Error for TooShort {}

impl<const MIN_LEN: usize> FromStr for Secret<MIN_LEN> {
    type Err = TooShort;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Secret::try_from(value.to_string())
    }
}

impl<const MIN_LEN: usize> TryFrom<&str> for Secret<MIN_LEN> {
    type Error = TooShort;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl<const MIN_LEN: usize> TryFrom<String> for Secret<MIN_LEN> {
    type Error = TooShort;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        if value.chars().count() < MIN_LEN {
            Err(TooShort(MIN_LEN))
        } else {
            Ok(Secret(value))
        }
    }
}

impl<const MIN_LEN: usize> serde::Serialize for Secret<MIN_LEN> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de, const MIN_LEN: usize> serde::Deserialize<'de> for Secret<MIN_LEN> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        Secret::try_from(value).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn never_printed_and_as_long_as_its_schema_says() {
        let secret: Secret<1> = serde_json::from_str("\"tok-123\"").unwrap();
        assert_eq!(format!("{secret:?}"), "Secret([REDACTED])");
        assert_eq!(secret.expose_secret(), "tok-123");
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"tok-123\"");
        let empty = serde_json::from_str::<Secret<1>>("\"\"").unwrap_err();
        assert!(
            empty.to_string().starts_with("shorter than 1 characters"),
            "{empty}"
        );
        assert!("".parse::<Secret<1>>().is_err());
        // A session JWT of a project that keeps tokens in cookies.
        let cookie_mode: Secret = serde_json::from_str("\"\"").unwrap();
        assert_eq!(format!("{cookie_mode:?}"), "Secret([REDACTED])");
    }
}
