//! The types the generated code uses for every string the spec constrains
//! with a `pattern`: checked by a DFA that `cargo xtask generate` compiled
//! from the pattern.
//!
//! typify would check them with `regress`, a backtracking engine: for the
//! redirect URI's pattern that is about 5,900 instructions per value, most of
//! what the generated client costs above hand-written `reqwest`. The `regex`
//! crate decides it in about 500, but compiling the patterns at run time
//! raised a process's peak memory by about 1 MiB (a tenth of a small
//! service's). So the generator compiles each pattern with `regex-automata`
//! into a dense DFA and writes its bytes (both byte orders) into
//! `generated.rs`, beside the pattern, in one `pattern_strings!` invocation;
//! at run time the DFA is only read in place (`regex-automata`'s search
//! half, no compiler). The types come in through progenitor's
//! `with_conversion` setting, so no generated code is edited. Tests hold
//! each type to `regress` (the ECMAScript semantics of the spec's patterns).

use std::sync::LazyLock;

use regex_automata::dfa::{dense, Automaton};
use regex_automata::Input;

use crate::types::error::ConversionError;

/// Bytes aligned as a dense DFA needs them to be read in place.
#[repr(C)]
pub(crate) struct Aligned<B: ?Sized> {
    pub(crate) align: [u32; 0],
    pub(crate) bytes: B,
}

/// A DFA of the generator's, in this target's byte order.
pub(crate) type Dfa = dense::DFA<&'static [u32]>;

/// Reads a DFA the generator wrote; it only fails if `generated.rs` was
/// not written by it (a test reads every one).
pub(crate) fn load(bytes: &'static Aligned<[u8]>, pattern: &str) -> Dfa {
    dense::DFA::from_bytes(&bytes.bytes)
        .map(|(dfa, _)| dfa)
        .unwrap_or_else(|e| panic!("the DFA generated for {pattern:?} does not read: {e}"))
}

/// Whether `value` matches `dfa`; `message` names the pattern when it does not.
pub(crate) fn check(
    dfa: &LazyLock<Dfa>,
    message: &'static str,
    value: &str,
) -> Result<(), ConversionError> {
    // Without quit bytes or size limits the search cannot fail.
    match dfa.try_search_fwd(&Input::new(value).earliest(true)) {
        Ok(Some(_)) => Ok(()),
        _ => Err(message.into()),
    }
}

/// One newtype per pattern string, with its doc comment: `Name = "pattern",
/// little b"..", big b"..";`, the DFA in either byte order. Each holds a
/// `String` that matched, and converts and (de)serialises like the
/// newtypes typify writes.
macro_rules! pattern_strings {
    ($($(#[doc = $doc:literal])* $name:ident = $pattern:literal, little $little:literal, big $big:literal;)*) => {
        $(
            $(#[doc = $doc])*
            #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
            #[serde(transparent)]
            pub struct $name(::std::string::String);

            impl $name {
                /// The pattern, as the spec writes it.
                pub const PATTERN: &'static str = $pattern;

                fn check(value: &str) -> ::std::result::Result<(), $crate::types::error::ConversionError> {
                    #[cfg(target_endian = "little")]
                    static BYTES: &$crate::pattern::Aligned<[u8]> =
                        &$crate::pattern::Aligned { align: [], bytes: *$little };
                    #[cfg(target_endian = "big")]
                    static BYTES: &$crate::pattern::Aligned<[u8]> =
                        &$crate::pattern::Aligned { align: [], bytes: *$big };
                    static DFA: ::std::sync::LazyLock<$crate::pattern::Dfa> =
                        ::std::sync::LazyLock::new(|| $crate::pattern::load(BYTES, $pattern));
                    $crate::pattern::check(
                        &DFA,
                        concat!("doesn't match pattern \"", $pattern, "\""),
                        value,
                    )
                }
            }

            impl ::std::ops::Deref for $name {
                type Target = ::std::string::String;
                fn deref(&self) -> &::std::string::String {
                    &self.0
                }
            }

            impl ::std::convert::From<$name> for ::std::string::String {
                fn from(value: $name) -> Self {
                    value.0
                }
            }

            impl ::std::str::FromStr for $name {
                type Err = $crate::types::error::ConversionError;
                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                    Self::check(value)?;
                    Ok(Self(value.to_string()))
                }
            }

            impl ::std::convert::TryFrom<&str> for $name {
                type Error = $crate::types::error::ConversionError;
                fn try_from(value: &str) -> ::std::result::Result<Self, Self::Error> {
                    value.parse()
                }
            }

            impl ::std::convert::TryFrom<::std::string::String> for $name {
                type Error = $crate::types::error::ConversionError;
                fn try_from(value: ::std::string::String) -> ::std::result::Result<Self, Self::Error> {
                    Self::check(&value)?;
                    Ok(Self(value))
                }
            }

            impl<'de> ::serde::Deserialize<'de> for $name {
                fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                where
                    D: ::serde::Deserializer<'de>,
                {
                    ::std::string::String::deserialize(deserializer)?
                        .try_into()
                        .map_err(|e: $crate::types::error::ConversionError| {
                            <D::Error as ::serde::de::Error>::custom(e.to_string())
                        })
                }
            }
        )*

        /// Every pattern string type, as its pattern and whether a value
        /// passes its check: what the tests hold against `regress`.
        #[doc(hidden)]
        pub const ALL: &[(&str, fn(&str) -> bool)] =
            &[$(($pattern, |value| $name::check(value).is_ok())),*];
    };
}

pub(crate) use pattern_strings;

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use proptest::string::string_regex;

    use crate::patterns::ALL;

    /// What the spec means: ECMAScript semantics, as `regress` implements them.
    fn ecmascript(pattern: &str, value: &str) -> bool {
        regress::Regex::new(pattern)
            .expect("regress takes every spec pattern")
            .find(value)
            .is_some()
    }

    /// Strings that match a pattern, and the same with one character
    /// inserted or removed (where matches turn into near misses).
    fn near(pattern: &str) -> impl Strategy<Value = String> {
        // proptest's generator takes no anchors; they change nothing of what it draws.
        let body = pattern.strip_prefix('^').unwrap_or(pattern);
        let body = body.strip_suffix('$').unwrap_or(body);
        let matching = string_regex(body).expect("proptest reads every spec pattern");
        (
            matching,
            any::<prop::sample::Index>(),
            any::<char>(),
            0..3u8,
        )
            .prop_map(|(text, at, c, edit)| {
                let mut chars: Vec<char> = text.chars().collect();
                let i = at.index(chars.len() + 1);
                match edit {
                    0 => chars.insert(i, c),
                    1 if i < chars.len() => {
                        chars.remove(i);
                    }
                    _ => {}
                }
                chars.into_iter().collect()
            })
    }

    #[test]
    fn the_spec_has_pattern_strings_and_each_compiles() {
        assert!(!ALL.is_empty());
        for (pattern, check) in ALL {
            // Compiling happens on first use; an empty string exercises it.
            let _ = check("");
            assert!(ecmascript(pattern, "") == check(""), "{pattern}");
        }
    }

    proptest! {
        // No failure files: as in the workspace's other property tests.
        #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn regex_decides_as_ecmascript_on_near_matches(
            (pattern, check, value) in prop::sample::select(ALL)
                .prop_flat_map(|(pattern, check)| (Just(pattern), Just(check), near(pattern)))
        ) {
            prop_assert_eq!(check(&value), ecmascript(pattern, &value), "{:?} on {:?}", pattern, value);
        }

        #[test]
        fn regex_decides_as_ecmascript_on_any_text(
            (pattern, check) in prop::sample::select(ALL),
            value in prop_oneof![any::<String>(), "[a-zA-Z0-9:/?#@\\[\\].%+ \n-]{0,40}"],
        ) {
            prop_assert_eq!(check(&value), ecmascript(pattern, &value), "{:?} on {:?}", pattern, value);
        }
    }
}
