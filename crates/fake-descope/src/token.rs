//! Embedded-link tokens: fresh and unguessable.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// 32 bytes from the operating system's generator, base64url without
/// padding (43 characters): as hard to guess as a real token.
pub(crate) fn fresh_token() -> String {
    let mut bytes = [0u8; 32];
    // The OS generator failing means the machine cannot run tests at all.
    getrandom::fill(&mut bytes).expect("the operating system's random generator works");
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_long_and_differ() {
        let (a, b) = (super::fresh_token(), super::fresh_token());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
    }
}
