//! The fuzz targets of `fuzz/` run on stable: each over its corpus
//! (`fuzz/corpus/<target>/`, where cargo-fuzz also keeps what it finds),
//! then over deterministic mutations of it; `decode_response` plays each
//! seed (and each mutation, in turn) as the answer of every operation of
//! the spec. cargo-fuzz itself needs nightly: see `fuzz/README.md`.
//! `FUZZ_ITERATIONS=<n>` runs more mutations.

use std::path::Path;

use descope_ergonomic::tooling::check_session_token;
use descope_ergonomic::{PhoneNumber, RedirectUri};
use descope_testkit::client::OPS;
use descope_testkit::fuzz::{check_inputs, Case, Harness};

fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus in {}", dir.display());
    files
}

fn iterations(default: usize) -> usize {
    std::env::var("FUZZ_ITERATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut x = self.0;
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^ (x >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Tokens worth splicing in: structure, secrets markers, separators.
const TOKENS: [&[u8]; 20] = [
    b"{", b"}", b"[", b"\"", b":", b",", b"$MK", b"$JWT", b"$AMK", b"$LT", b"\r\n", b"\0", b"+",
    b"#", b"eyJ", b"\xff", b"null", b".", b"=", b"_-",
];

/// One to four random edits of `input`.
fn mutate(input: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(6) {
            0 if !out.is_empty() => {
                let at = at.min(out.len() - 1);
                out[at] ^= 1 << rng.below(8);
            }
            1 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                out.splice(at..at, token.iter().copied());
            }
            2 if !out.is_empty() => {
                let end = (at + 1 + rng.below(8)).min(out.len());
                out.drain(at.min(end)..end);
            }
            3 => out.truncate(at),
            4 => {
                let copy = out[at..].to_vec();
                out.extend_from_slice(&copy[..copy.len().min(64)]);
            }
            _ => out.insert(at, rng.next() as u8),
        }
    }
    out
}

#[test]
fn decode_response_over_its_corpus_and_mutations() {
    let seeds = corpus("decode_response");
    // A harness of its own: the property tests use the global one meanwhile.
    let harness = Harness::start();
    // Every seed as every operation's answer, and every operation's success.
    for (_, seed) in &seeds {
        for op in OPS {
            harness.check(&Case {
                op,
                ..Case::from_bytes(seed)
            });
        }
    }
    for op in OPS {
        harness.check(&Case::success(op));
    }
    // The mutations go to each operation in turn.
    let mut rng = Rng(0x0dec0de);
    for at in 0..iterations(300) {
        let (_, seed) = &seeds[rng.below(seeds.len())];
        harness.check(&Case {
            op: OPS[at % OPS.len()],
            ..Case::from_bytes(&mutate(seed, &mut rng))
        });
    }
    // Every case reached the server (none was refused before sending).
    assert_eq!(
        harness.requests(),
        (seeds.len() + 1) * OPS.len() + iterations(300)
    );
}

#[test]
fn parse_inputs_over_its_corpus_and_mutations() {
    let seeds = corpus("parse_inputs");
    for (_, seed) in &seeds {
        check_inputs(seed);
    }
    let mut rng = Rng(0x1a9_0007);
    for _ in 0..iterations(20_000) {
        let (_, seed) = &seeds[rng.below(seeds.len())];
        check_inputs(&mutate(seed, &mut rng));
    }
}

#[test]
fn the_corpus_seeds_mean_what_their_names_say() {
    let seeds: std::collections::HashMap<String, Vec<u8>> =
        corpus("parse_inputs").into_iter().collect();
    let text = |name: &str| String::from_utf8(seeds[name].clone()).unwrap();
    assert_eq!(
        PhoneNumber::parse(&text("phone_decorated"))
            .unwrap()
            .as_str(),
        "+12025550123"
    );
    assert!(PhoneNumber::parse(&text("phone_arabic_digits")).is_err());
    assert!(RedirectUri::parse(text("uri_upper")).is_ok());
    assert!(RedirectUri::parse(text("uri_fragment")).is_err());
}

#[test]
fn session_token_over_its_corpus_and_mutations() {
    let seeds = corpus("session_token");
    for (_, seed) in &seeds {
        let _ = check_session_token(seed);
    }
    let mut rng = Rng(0x5e55_1011);
    for _ in 0..iterations(20_000) {
        let (_, seed) = &seeds[rng.below(seeds.len())];
        let _ = check_session_token(&mutate(seed, &mut rng));
    }
}

#[test]
fn the_session_token_seeds_mean_what_their_names_say() {
    let seeds: std::collections::HashMap<String, Vec<u8>> =
        corpus("session_token").into_iter().collect();
    let outcome = |name: &str| check_session_token(&seeds[name]);
    assert_eq!(outcome("valid_es256"), Ok(()));
    assert_eq!(outcome("issuer_url_tenant"), Ok(()));
    for (name, refusal) in [
        ("expired", "Expired"),
        ("refresh_jwt", "NotASessionToken"),
        ("other_project", "WrongIssuer"),
        ("alg_none", "AlgorithmNotAllowed"),
        ("alg_hs256", "AlgorithmNotAllowed"),
        ("header_jku", "ForbiddenHeader"),
        ("header_duplicate_alg", "ForbiddenHeader"),
        ("header_escaped_duplicate", "ForbiddenHeader"),
        ("unknown_kid", "UnknownKey"),
        ("claims_duplicate_exp", "BadSignature"),
        ("padded_base64", "Malformed"),
        ("two_parts", "Malformed"),
        ("not_a_token", "Malformed"),
    ] {
        assert_eq!(outcome(name), Err(refusal), "{name}");
    }
}
