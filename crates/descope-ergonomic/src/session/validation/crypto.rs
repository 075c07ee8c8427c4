//! Public keys parsed once from a JWK, each with the one algorithm it
//! verifies, and the signature check: aws-lc (`validation-aws-lc`, what the
//! default build's rustls already links) or RustCrypto
//! (`validation-rust-crypto`, pure Rust, for builds without rustls).
//!
//! The algorithm comes from the key, never from a token: an RSA key
//! verifies RS256 (or the RS/PS algorithm its `alg` names), a P-256 key
//! ES256, a P-384 key ES384. A key this module cannot use safely (another
//! `use`, an unknown `kty` or `crv`, an RSA modulus under 2048 or over 8192
//! bits, coordinates of the wrong length) is no key at all: it is skipped.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;

use crate::session::Jwk;

/// The JWS algorithms a session JWT may be signed with: asymmetric ones
/// only, each bound to the kind of key that verifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Algorithm {
    Rs256,
    Rs384,
    Rs512,
    Ps256,
    Ps384,
    Ps512,
    Es256,
    Es384,
}

impl Algorithm {
    /// The algorithm a JWS `alg` names, if it is one of ours (`none`, the
    /// HMAC ones and anything else are not).
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "RS256" => Algorithm::Rs256,
            "RS384" => Algorithm::Rs384,
            "RS512" => Algorithm::Rs512,
            "PS256" => Algorithm::Ps256,
            "PS384" => Algorithm::Ps384,
            "PS512" => Algorithm::Ps512,
            "ES256" => Algorithm::Es256,
            "ES384" => Algorithm::Es384,
            _ => return None,
        })
    }

    /// The JWS name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Algorithm::Rs256 => "RS256",
            Algorithm::Rs384 => "RS384",
            Algorithm::Rs512 => "RS512",
            Algorithm::Ps256 => "PS256",
            Algorithm::Ps384 => "PS384",
            Algorithm::Ps512 => "PS512",
            Algorithm::Es256 => "ES256",
            Algorithm::Es384 => "ES384",
        }
    }

    fn is_rsa(self) -> bool {
        !matches!(self, Algorithm::Es256 | Algorithm::Es384)
    }
}

/// Smallest RSA modulus accepted, in bits (NIST: 2048 since 2013).
pub(crate) const MIN_RSA_BITS: usize = 2048;
/// Largest: a bigger modulus only makes each check slower (a key set is
/// trusted, but not to be a denial of service).
pub(crate) const MAX_RSA_BITS: usize = 8192;

/// One usable public key: its id, its algorithm, the key parsed once.
pub(crate) struct VerifyingKey {
    kid: Box<str>,
    algorithm: Algorithm,
    key: backend::Key,
}

impl std::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("kid", &self.kid)
            .field("algorithm", &self.algorithm.name())
            .finish_non_exhaustive()
    }
}

impl VerifyingKey {
    /// The key `jwk` describes, or `None` when it is not one this crate
    /// verifies with (see the module's documentation).
    pub(crate) fn from_jwk(jwk: &Jwk) -> Option<Self> {
        let text = |name: &str| jwk.member(name).and_then(Value::as_str);
        Self::from_parts(&JwkParts {
            kid: jwk.kid(),
            kty: jwk.kty(),
            alg: jwk.alg(),
            key_use: jwk.key_use(),
            key_ops_verify: key_ops_allow_verify(jwk.member("key_ops")),
            n: jwk.n(),
            e: jwk.e(),
            crv: text("crv"),
            x: text("x"),
            y: text("y"),
        })
    }

    /// The key a JWK given as JSON describes (a key given up front).
    pub(crate) fn from_json(jwk: &serde_json::Map<String, Value>) -> Option<Self> {
        let text = |name: &str| jwk.get(name).and_then(Value::as_str);
        Self::from_parts(&JwkParts {
            kid: text("kid")?,
            kty: text("kty")?,
            alg: text("alg"),
            key_use: text("use"),
            key_ops_verify: key_ops_allow_verify(jwk.get("key_ops")),
            n: text("n"),
            e: text("e"),
            crv: text("crv"),
            x: text("x"),
            y: text("y"),
        })
    }

    fn from_parts(jwk: &JwkParts<'_>) -> Option<Self> {
        if jwk.kid.is_empty() || jwk.key_use.is_some_and(|u| u != "sig") || !jwk.key_ops_verify {
            return None;
        }
        let decode = |value: Option<&str>| URL_SAFE_NO_PAD.decode(value?).ok();
        let (algorithm, key) = match jwk.kty {
            "RSA" => {
                let algorithm = match jwk.alg {
                    None => Algorithm::Rs256,
                    Some(alg) => Algorithm::from_name(alg).filter(|a| a.is_rsa())?,
                };
                let n = decode(jwk.n)?;
                let e = decode(jwk.e)?;
                let n = strip_leading_zeros(&n);
                let e = strip_leading_zeros(&e);
                let bits = bit_length(n);
                if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) || e.is_empty() || e.len() > 4 {
                    return None;
                }
                (algorithm, backend::Key::rsa(algorithm, n, e)?)
            }
            "EC" => {
                let (algorithm, size) = match jwk.crv? {
                    "P-256" => (Algorithm::Es256, 32),
                    "P-384" => (Algorithm::Es384, 48),
                    _ => return None,
                };
                if jwk.alg.is_some_and(|alg| alg != algorithm.name()) {
                    return None;
                }
                let x = decode(jwk.x)?;
                let y = decode(jwk.y)?;
                if x.len() != size || y.len() != size {
                    return None;
                }
                let mut point = Vec::with_capacity(1 + 2 * size);
                point.push(0x04);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                (algorithm, backend::Key::ec(algorithm, &point)?)
            }
            _ => return None,
        };
        Some(VerifyingKey {
            kid: jwk.kid.into(),
            algorithm,
            key,
        })
    }

    pub(crate) fn kid(&self) -> &str {
        &self.kid
    }

    pub(crate) fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Whether `signature` is this key's signature of `message`.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        self.key.verify(self.algorithm, message, signature)
    }
}

/// The members of a JWK that a key is read from.
struct JwkParts<'a> {
    kid: &'a str,
    kty: &'a str,
    alg: Option<&'a str>,
    key_use: Option<&'a str>,
    key_ops_verify: bool,
    n: Option<&'a str>,
    e: Option<&'a str>,
    crv: Option<&'a str>,
    x: Option<&'a str>,
    y: Option<&'a str>,
}

/// `key_ops`, when present, must list `verify` (RFC 7517 4.3).
fn key_ops_allow_verify(key_ops: Option<&Value>) -> bool {
    match key_ops {
        None | Some(Value::Null) => true,
        Some(Value::Array(ops)) => ops.iter().any(|op| op == "verify"),
        Some(_) => false,
    }
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// The bit length of a big-endian unsigned integer without leading zeros.
fn bit_length(bytes: &[u8]) -> usize {
    match bytes.first() {
        None => 0,
        Some(first) => bytes.len() * 8 - first.leading_zeros() as usize,
    }
}

#[cfg(feature = "validation-aws-lc")]
use aws_lc as backend;
#[cfg(not(feature = "validation-aws-lc"))]
use rust_crypto as backend;

/// aws-lc: each key parsed once into an `EVP_PKEY` (`ParsedPublicKey`).
#[cfg(feature = "validation-aws-lc")]
pub(crate) mod aws_lc {
    use aws_lc_rs::signature::{self, ParsedPublicKey, RsaPublicKeyComponents};

    use super::Algorithm;

    pub(crate) struct Key(ParsedPublicKey);

    impl Key {
        pub(crate) fn rsa(algorithm: Algorithm, n: &[u8], e: &[u8]) -> Option<Key> {
            let params: &'static signature::RsaParameters = match algorithm {
                Algorithm::Rs256 => &signature::RSA_PKCS1_2048_8192_SHA256,
                Algorithm::Rs384 => &signature::RSA_PKCS1_2048_8192_SHA384,
                Algorithm::Rs512 => &signature::RSA_PKCS1_2048_8192_SHA512,
                Algorithm::Ps256 => &signature::RSA_PSS_2048_8192_SHA256,
                Algorithm::Ps384 => &signature::RSA_PSS_2048_8192_SHA384,
                Algorithm::Ps512 => &signature::RSA_PSS_2048_8192_SHA512,
                Algorithm::Es256 | Algorithm::Es384 => return None,
            };
            RsaPublicKeyComponents { n, e }
                .to_parsed_public_key(params)
                .ok()
                .map(Key)
        }

        pub(crate) fn ec(algorithm: Algorithm, point: &[u8]) -> Option<Key> {
            let params = match algorithm {
                Algorithm::Es256 => &signature::ECDSA_P256_SHA256_FIXED,
                Algorithm::Es384 => &signature::ECDSA_P384_SHA384_FIXED,
                _ => return None,
            };
            ParsedPublicKey::new(params, point).ok().map(Key)
        }

        pub(crate) fn verify(&self, _: Algorithm, message: &[u8], signature: &[u8]) -> bool {
            self.0.verify_sig(message, signature).is_ok()
        }
    }
}

/// RustCrypto: `rsa`, `p256`, `p384`, `sha2`, pure Rust.
#[cfg(feature = "validation-rust-crypto")]
#[cfg_attr(feature = "validation-aws-lc", allow(dead_code))]
pub(crate) mod rust_crypto {
    use p256::ecdsa::signature::Verifier as _;
    use rsa::traits::PublicKeyParts as _;
    use rsa::{BigUint, Pkcs1v15Sign, Pss, RsaPublicKey};
    use sha2::{Digest as _, Sha256, Sha384, Sha512};

    use super::{Algorithm, MAX_RSA_BITS};

    pub(crate) enum Key {
        Rsa(RsaPublicKey),
        P256(p256::ecdsa::VerifyingKey),
        P384(p384::ecdsa::VerifyingKey),
    }

    impl Key {
        pub(crate) fn rsa(_: Algorithm, n: &[u8], e: &[u8]) -> Option<Key> {
            let n = BigUint::from_bytes_be(n);
            let e = BigUint::from_bytes_be(e);
            RsaPublicKey::new_with_max_size(n, e, MAX_RSA_BITS)
                .ok()
                .map(Key::Rsa)
        }

        pub(crate) fn ec(algorithm: Algorithm, point: &[u8]) -> Option<Key> {
            match algorithm {
                Algorithm::Es256 => p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
                    .ok()
                    .map(Key::P256),
                Algorithm::Es384 => p384::ecdsa::VerifyingKey::from_sec1_bytes(point)
                    .ok()
                    .map(Key::P384),
                _ => None,
            }
        }

        pub(crate) fn verify(
            &self,
            algorithm: Algorithm,
            message: &[u8],
            signature: &[u8],
        ) -> bool {
            match self {
                Key::Rsa(key) => {
                    // The signature is exactly the modulus long (RFC 8017 8.2.2).
                    if signature.len() != key.size() {
                        return false;
                    }
                    let result = match algorithm {
                        Algorithm::Rs256 => key.verify(
                            Pkcs1v15Sign::new::<Sha256>(),
                            &Sha256::digest(message),
                            signature,
                        ),
                        Algorithm::Rs384 => key.verify(
                            Pkcs1v15Sign::new::<Sha384>(),
                            &Sha384::digest(message),
                            signature,
                        ),
                        Algorithm::Rs512 => key.verify(
                            Pkcs1v15Sign::new::<Sha512>(),
                            &Sha512::digest(message),
                            signature,
                        ),
                        // JWS (RFC 7518 3.5): the salt is as long as the hash.
                        Algorithm::Ps256 => key.verify(
                            Pss::new_with_salt::<Sha256>(32),
                            &Sha256::digest(message),
                            signature,
                        ),
                        Algorithm::Ps384 => key.verify(
                            Pss::new_with_salt::<Sha384>(48),
                            &Sha384::digest(message),
                            signature,
                        ),
                        Algorithm::Ps512 => key.verify(
                            Pss::new_with_salt::<Sha512>(64),
                            &Sha512::digest(message),
                            signature,
                        ),
                        Algorithm::Es256 | Algorithm::Es384 => return false,
                    };
                    result.is_ok()
                }
                Key::P256(key) => p256::ecdsa::Signature::from_slice(signature)
                    .is_ok_and(|s| key.verify(message, &s).is_ok()),
                Key::P384(key) => p384::ecdsa::Signature::from_slice(signature)
                    .is_ok_and(|s| key.verify(message, &s).is_ok()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn b64(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    fn key(jwk: Value) -> Option<VerifyingKey> {
        VerifyingKey::from_json(jwk.as_object().unwrap())
    }

    /// A 2048-bit modulus (any odd number with the top bit set parses).
    fn modulus(bits: usize) -> String {
        let mut n = vec![0xC5u8; bits / 8];
        *n.last_mut().unwrap() |= 1;
        b64(&n)
    }

    #[test]
    fn the_algorithm_comes_from_the_key() {
        let rsa = |alg: Option<&str>| {
            let mut jwk = json!({"kty": "RSA", "kid": "k", "n": modulus(2048), "e": "AQAB"});
            if let Some(alg) = alg {
                jwk["alg"] = json!(alg);
            }
            key(jwk).map(|k| k.algorithm())
        };
        assert_eq!(rsa(None), Some(Algorithm::Rs256));
        assert_eq!(rsa(Some("RS512")), Some(Algorithm::Rs512));
        assert_eq!(rsa(Some("PS256")), Some(Algorithm::Ps256));
        for not_rsa in ["ES256", "HS256", "none", "RSA-OAEP", ""] {
            assert_eq!(rsa(Some(not_rsa)), None, "{not_rsa}");
        }
    }

    #[test]
    fn keys_that_cannot_be_used_safely_are_none() {
        let good = json!({"kty": "RSA", "kid": "k", "use": "sig", "n": modulus(2048), "e": "AQAB"});
        assert!(key(good.clone()).is_some());
        let with = |member: &str, value: Value| {
            let mut jwk = good.clone();
            jwk[member] = value;
            key(jwk)
        };
        assert!(with("use", json!("enc")).is_none());
        assert!(with("key_ops", json!(["encrypt"])).is_none());
        assert!(with("key_ops", json!(["verify"])).is_some());
        assert!(with("key_ops", json!("verify")).is_none());
        assert!(with("kid", json!("")).is_none());
        assert!(with("n", json!(modulus(1024))).is_none());
        assert!(with("n", json!(modulus(2040))).is_none());
        assert!(with("n", json!(modulus(8192 + 8))).is_none());
        // Leading zero octets do not count towards the size.
        let padded = format!("AAAA{}", modulus(2048));
        assert!(with("n", json!(padded)).is_some());
        assert!(with("n", json!(format!("{}=", modulus(2048)))).is_none());
        assert!(with("e", json!("")).is_none());
        assert!(with("e", json!(b64(&[1, 0, 0, 0, 1]))).is_none());
        assert!(with("kty", json!("oct")).is_none());
        let ec = |crv: &str, size: usize, alg: Option<&str>| {
            let mut jwk = json!({"kty": "EC", "kid": "e", "crv": crv,
                                 "x": b64(&vec![1; size]), "y": b64(&vec![2; size])});
            if let Some(alg) = alg {
                jwk["alg"] = json!(alg);
            }
            jwk
        };
        // Coordinates that are not a point of the curve are no key either.
        assert!(key(ec("P-256", 32, None)).is_none());
        assert!(key(ec("P-256", 31, None)).is_none());
        assert!(key(ec("P-521", 66, None)).is_none());
        assert!(key(ec("secp256k1", 32, None)).is_none());
    }

    /// Both backends agree on real signatures of every algorithm.
    #[cfg(all(feature = "validation-aws-lc", feature = "validation-rust-crypto"))]
    #[test]
    fn both_backends_agree() {
        use aws_lc_rs::rand::SystemRandom;
        use aws_lc_rs::rsa::{KeySize, PublicKeyComponents};
        use aws_lc_rs::signature::{self as lc, EcdsaKeyPair, KeyPair as _, RsaKeyPair};

        let rng = SystemRandom::new();
        let message = b"header.payload";
        let rsa = RsaKeyPair::generate(KeySize::Rsa2048).unwrap();
        let public = PublicKeyComponents::<Vec<u8>>::from(rsa.public_key());
        let rsa_cases: [(Algorithm, &'static dyn lc::RsaEncoding); 6] = [
            (Algorithm::Rs256, &lc::RSA_PKCS1_SHA256),
            (Algorithm::Rs384, &lc::RSA_PKCS1_SHA384),
            (Algorithm::Rs512, &lc::RSA_PKCS1_SHA512),
            (Algorithm::Ps256, &lc::RSA_PSS_SHA256),
            (Algorithm::Ps384, &lc::RSA_PSS_SHA384),
            (Algorithm::Ps512, &lc::RSA_PSS_SHA512),
        ];
        for (algorithm, padding) in rsa_cases {
            let mut signature = vec![0; rsa.public_modulus_len()];
            rsa.sign(padding, &rng, message, &mut signature).unwrap();
            let aws = aws_lc::Key::rsa(algorithm, &public.n, &public.e).unwrap();
            let rc = rust_crypto::Key::rsa(algorithm, &public.n, &public.e).unwrap();
            assert!(aws.verify(algorithm, message, &signature), "{algorithm:?}");
            assert!(rc.verify(algorithm, message, &signature), "{algorithm:?}");
            signature[7] ^= 1;
            assert!(!aws.verify(algorithm, message, &signature));
            assert!(!rc.verify(algorithm, message, &signature));
            assert!(!rc.verify(algorithm, message, &signature[1..]));
        }
        for (algorithm, signing) in [
            (Algorithm::Es256, &lc::ECDSA_P256_SHA256_FIXED_SIGNING),
            (Algorithm::Es384, &lc::ECDSA_P384_SHA384_FIXED_SIGNING),
        ] {
            let pair = EcdsaKeyPair::generate(signing).unwrap();
            let point = pair.public_key().as_ref().to_vec();
            let mut signature = pair.sign(&rng, message).unwrap().as_ref().to_vec();
            let aws = aws_lc::Key::ec(algorithm, &point).unwrap();
            let rc = rust_crypto::Key::ec(algorithm, &point).unwrap();
            assert!(aws.verify(algorithm, message, &signature), "{algorithm:?}");
            assert!(rc.verify(algorithm, message, &signature), "{algorithm:?}");
            signature[3] ^= 1;
            assert!(!aws.verify(algorithm, message, &signature));
            assert!(!rc.verify(algorithm, message, &signature));
        }
    }
}
