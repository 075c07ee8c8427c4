//! The fuzz target `session_token`'s check (`fuzz/`, and the stable run
//! over its corpus in the tests): behind `unstable-tooling`.

use std::sync::OnceLock;
use std::time::{Duration, UNIX_EPOCH};

use super::token::{self, Claims};
use super::{SessionError, SessionValidator};
use crate::client::DescopeClient;

/// The public key the check's validator holds (P-256, `kid: fuzz-es256`):
/// the corpus's signed seeds were signed with its private half, a test key
/// made for nothing else.
pub const FUZZ_PUBLIC_JWK: &str = r#"{"kty":"EC","crv":"P-256","alg":"ES256","use":"sig","kid":"fuzz-es256","x":"ivCnHedTn6e2GaHqhijqw5D5_a6c9Cs_8vSBOchGLe8","y":"mHkGqKoqzZySI3LBZwC5homq5JMHxJguP7K1QUiL0sg"}"#;
/// The check's clock, Unix seconds (the signed seeds are valid then).
pub const FUZZ_NOW: u64 = 1_900_000_000;
/// The project of the check's validator.
pub const FUZZ_PROJECT: &str = "P2aAc4T2V93bddihGEx2Ryhc8e5Z";

fn validator() -> &'static SessionValidator {
    static VALIDATOR: OnceLock<SessionValidator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        // Keys given up front: nothing is ever sent to this address.
        let client = DescopeClient::builder()
            .project_id(FUZZ_PROJECT)
            .base_url("http://127.0.0.1:9")
            .build()
            .expect("a client of loopback");
        SessionValidator::builder(&client)
            .public_key(FUZZ_PUBLIC_JWK)
            .expect("the fuzz key is usable")
            .clock(|| UNIX_EPOCH + Duration::from_secs(FUZZ_NOW))
            .build()
            .expect("the defaults are in range")
    })
}

/// Runs `data` (as text, lossily) through `validate_cached` of a validator
/// with [`FUZZ_PUBLIC_JWK`] at [`FUZZ_NOW`], and through the claims parser
/// alone (which a fuzzer could not reach behind a signature). Panics when
/// an invariant breaks: a panic inside, an error a token cannot cause with
/// keys given up front (`KeysUnavailable`, a refresh error), a refusal of
/// the form that differs from the one the form's own check gives, a
/// message longer than 512 characters or holding a part of the token (but
/// for the header's own `kid` or `alg`, cut at 64 characters), a valid
/// session whose token is not the input, an outcome that changes when
/// asked again. Answers `Ok` for a valid session, else the refusal's name.
pub fn check_session_token(data: &[u8]) -> Result<(), &'static str> {
    let text = String::from_utf8_lossy(data);
    let validator = validator();
    let outcome = validator.validate_cached(&text);
    if let Some(payload) = text.split('.').nth(1) {
        let _ = Claims::parse(payload);
    }
    let form = token::parse(&text).err();
    match &outcome {
        Ok(session) => {
            assert!(form.is_none());
            assert_eq!(session.jwt().expose_secret(), text);
            assert!(validator.validate_cached(&text).is_ok());
            Ok(())
        }
        Err(error) => {
            let name = name(error);
            if let Some(form) = form {
                assert_eq!(
                    form.to_string(),
                    error.to_string(),
                    "the form's own refusal"
                );
            }
            let shown = [error.to_string(), format!("{error:?}")];
            let holds_header_text = matches!(
                error,
                SessionError::UnknownKey { .. }
                    | SessionError::AlgorithmNotAllowed { .. }
                    | SessionError::ForbiddenHeader { .. }
            );
            for shown in &shown {
                assert!(shown.len() <= 512, "{shown}");
                if !holds_header_text {
                    for part in text.split('.').filter(|part| part.len() >= 16) {
                        assert!(!shown.contains(part), "{shown} shows a part of the token");
                    }
                }
            }
            let again = validator
                .validate_cached(&text)
                .err()
                .map(|e| e.to_string());
            assert_eq!(again.as_deref(), Some(shown[0].as_str()));
            Err(name)
        }
    }
}

/// The variant's name; panics for those a token cannot cause here.
fn name(error: &SessionError) -> &'static str {
    match error {
        SessionError::TooLarge { .. } => "TooLarge",
        SessionError::Malformed { .. } => "Malformed",
        SessionError::ForbiddenHeader { .. } => "ForbiddenHeader",
        SessionError::AlgorithmNotAllowed { .. } => "AlgorithmNotAllowed",
        SessionError::UnknownKey { .. } => "UnknownKey",
        SessionError::BadSignature => "BadSignature",
        SessionError::Expired { .. } => "Expired",
        SessionError::NotYetValid { .. } => "NotYetValid",
        SessionError::IssuedInFuture { .. } => "IssuedInFuture",
        SessionError::WrongIssuer => "WrongIssuer",
        SessionError::WrongAudience => "WrongAudience",
        SessionError::NotASessionToken => "NotASessionToken",
        SessionError::Missing
        | SessionError::KeysUnavailable { .. }
        | SessionError::InvalidRefreshToken(_)
        | SessionError::RefreshFailed(_) => {
            panic!("a token cannot cause {error:?} with keys given up front")
        }
    }
}
