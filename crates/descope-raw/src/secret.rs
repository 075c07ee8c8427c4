//! The type the generated code uses for every string the spec marks
//! `format: password` (the embedded-link token): it does not print.
//!
//! `cargo xtask generate` swaps it in through progenitor's
//! `with_replacement` setting, so no generated code is edited by hand.

use std::fmt;
use std::str::FromStr;

/// A secret string from a response (or for a request): never empty, and its
/// `Debug` shows `[REDACTED]`. [`expose_secret`](Secret::expose_secret)
/// reads it; serialising it writes the value, as the wire needs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The secret, for the one place that needs it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// The secret as an owned string.
    pub fn into_exposed(self) -> String {
        self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

/// Every secret of the spec has `minLength: 1`; the message is the one the
/// generated types give for that constraint.
const EMPTY: &str = "shorter than 1 characters";

impl FromStr for Secret {
    type Err = &'static str;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Secret::try_from(value.to_string())
    }
}

impl TryFrom<&str> for Secret {
    type Error = &'static str;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl TryFrom<String> for Secret {
    type Error = &'static str;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        if value.is_empty() {
            Err(EMPTY)
        } else {
            Ok(Secret(value))
        }
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        Secret::try_from(value).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn never_printed_never_empty() {
        let secret: Secret = serde_json::from_str("\"tok-123\"").unwrap();
        assert_eq!(format!("{secret:?}"), "Secret([REDACTED])");
        assert_eq!(secret.expose_secret(), "tok-123");
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"tok-123\"");
        let empty = serde_json::from_str::<Secret>("\"\"").unwrap_err();
        assert!(
            empty.to_string().starts_with("shorter than 1 characters"),
            "{empty}"
        );
        assert!("".parse::<Secret>().is_err());
    }
}
