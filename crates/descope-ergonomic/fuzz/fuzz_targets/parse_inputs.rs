//! Arbitrary text through every input validator (phone, redirect URI, login
//! id, project id, secrets, approved domains), checked against their models.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    descope_ergonomic_fuzz::check_inputs(data);
});
