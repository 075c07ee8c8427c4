//! Arbitrary responses (status, content type, headers and body chosen by the
//! input) from a loopback server, decoded by any operation of the spec (the
//! input picks it): a value or a typed error, never a panic, never a secret
//! in what is shown.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    descope_ergonomic_fuzz::check_response_bytes(data);
});
