//! Arbitrary text as a session JWT, through `SessionValidator::validate_cached`
//! (keys given up front, a fixed clock) and the claims parser alone: a
//! valid session or a typed refusal, never a panic, never a token in what is
//! shown.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = descope_ergonomic_fuzz::check_session_token(data);
});
