//! The fake's signing keys: RS256 as Descope signs (or ES256 when asked),
//! their public halves served as a JWKS, and rotation with a grace period.
//!
//! RSA keys are not generated: a 2048-bit key takes tens to hundreds of
//! milliseconds to make, which every fake (and so every test) would pay.
//! They come from a pool of test keys built into the crate (generated once
//! with `openssl genpkey`), parsed at first use and shared by every fake of
//! the process. They are public test material: nothing but a fake trusts them.

use std::sync::{Arc, OnceLock};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::PublicKeyComponents;
use aws_lc_rs::signature::{
    KeyPair as _, RsaKeyPair, UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use serde_json::{json, Map, Value};

use crate::ids::Ids;

/// How long a rotated-out key stays in the key set unless set: long
/// enough for every session it signed (10 minutes by default) to end.
pub const DEFAULT_KEY_GRACE_SECS: u64 = 3600;

/// The most keys a fake holds at once (the current one and those in their
/// grace period); past it the oldest go, grace or not.
const MAX_KEYS: usize = 16;

/// The pool of RSA test keys, one PKCS#1 DER key (RSAPrivateKey) per line, base64.
const RSA_POOL: &str = include_str!("../keys/rsa2048.pkcs1.b64");
const RSA_POOL_SIZE: usize = 8;

/// How a fake signs its sessions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Signing {
    /// RSA, 2048 bits, PKCS#1 v1.5 with SHA-256: what Descope uses, and the
    /// only algorithm the Java, .NET and PHP SDKs accept.
    #[default]
    Rs256,
    /// ECDSA on P-256: much cheaper to sign (see the crate's README), for
    /// load runs whose validators accept it.
    Es256,
}

impl Signing {
    /// The JWS name, `RS256` or `ES256`.
    pub fn name(self) -> &'static str {
        match self {
            Signing::Rs256 => "RS256",
            Signing::Es256 => "ES256",
        }
    }

    /// The algorithm by its JWS name (either case).
    pub fn from_name(name: &str) -> Option<Signing> {
        [Signing::Rs256, Signing::Es256]
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(name))
    }
}

/// The parsed key `index` of the pool, shared by the process.
fn pooled_rsa(index: usize) -> Arc<RsaKeyPair> {
    static PARSED: [OnceLock<Arc<RsaKeyPair>>; RSA_POOL_SIZE] =
        [const { OnceLock::new() }; RSA_POOL_SIZE];
    PARSED[index]
        .get_or_init(|| {
            let line = RSA_POOL.lines().nth(index).expect("the pool has its keys");
            let der = base64::engine::general_purpose::STANDARD
                .decode(line.trim())
                .expect("the pool is base64");
            Arc::new(RsaKeyPair::from_der(&der).expect("the pool holds RSA PKCS#1 keys"))
        })
        .clone()
}

enum Material {
    Rsa(Arc<RsaKeyPair>),
    Ec(Box<SigningKey>),
}

struct Key {
    kid: String,
    material: Material,
    /// When it leaves the key set (seconds since the epoch); `None` while current.
    retires_at: Option<u64>,
}

impl Key {
    fn new(signing: Signing, ids: &Ids, pool_index: usize) -> Key {
        let material = match signing {
            Signing::Rs256 => Material::Rsa(pooled_rsa(pool_index % RSA_POOL_SIZE)),
            Signing::Es256 => Material::Ec(Box::new(loop {
                // Almost every 32 bytes are a valid scalar; the rest are tried again.
                if let Ok(key) = SigningKey::from_bytes(&ids.bytes().into()) {
                    break key;
                }
            })),
        };
        Key {
            kid: format!("SK{}", &ids.id()[..27]),
            material,
            retires_at: None,
        }
    }

    fn alg(&self) -> &'static str {
        match self.material {
            Material::Rsa(_) => "RS256",
            Material::Ec(_) => "ES256",
        }
    }

    fn sign(&self, message: &[u8]) -> Vec<u8> {
        match &self.material {
            Material::Rsa(pair) => {
                let mut signature = vec![0; pair.public_modulus_len()];
                // PKCS#1 v1.5 takes no randomness: the same key and payload
                // give the same token (a seeded fake's promise).
                pair.sign(
                    &RSA_PKCS1_SHA256,
                    &SystemRandom::new(),
                    message,
                    &mut signature,
                )
                .expect("an RSA key signs");
                signature
            }
            Material::Ec(key) => {
                // RFC 6979: deterministic as well.
                let signature: Signature = key.sign(message);
                signature.to_bytes().to_vec()
            }
        }
    }

    fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        match &self.material {
            Material::Rsa(pair) => {
                UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, pair.public_key().as_ref())
                    .verify(message, signature)
                    .is_ok()
            }
            Material::Ec(key) => Signature::from_slice(signature)
                .is_ok_and(|s| VerifyingKey::from(key.as_ref()).verify(message, &s).is_ok()),
        }
    }

    fn jwk(&self) -> Value {
        let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
        match &self.material {
            Material::Rsa(pair) => {
                let public = PublicKeyComponents::<Vec<u8>>::from(pair.public_key());
                json!({"kty": "RSA", "alg": "RS256", "use": "sig", "kid": self.kid,
                       "n": b64(&public.n), "e": b64(&public.e)})
            }
            Material::Ec(key) => {
                let point = VerifyingKey::from(key.as_ref()).to_encoded_point(false);
                let coordinate =
                    |c: Option<&p256::FieldBytes>| b64(c.expect("an uncompressed point has both"));
                json!({"kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": self.kid,
                       "x": coordinate(point.x()), "y": coordinate(point.y())})
            }
        }
    }
}

/// The current signing key and those rotated out but still in their grace.
pub(crate) struct KeyRing {
    signing: Signing,
    keys: Vec<Key>,
    /// Where the next RSA key comes from in the pool.
    next_in_pool: usize,
}

impl KeyRing {
    /// A ring with one key; with a seeded `ids`, the same key every run.
    pub(crate) fn new(signing: Signing, ids: &Ids) -> KeyRing {
        let start = ids.below(RSA_POOL_SIZE);
        KeyRing {
            signing,
            keys: vec![Key::new(signing, ids, start)],
            next_in_pool: start + 1,
        }
    }

    /// The current key's id.
    #[cfg(test)]
    pub(crate) fn current_kid(&self) -> &str {
        &self.current().kid
    }

    fn current(&self) -> &Key {
        self.keys.last().expect("a ring always has its current key")
    }

    /// A new current key; the one before stays in the key set (and its
    /// tokens verify) until `now + grace`. Answers the new key's id.
    pub(crate) fn rotate(&mut self, ids: &Ids, now: u64, grace: u64) -> String {
        self.retire_expired(now);
        if let Some(current) = self.keys.last_mut() {
            current.retires_at = Some(now.saturating_add(grace));
        }
        let key = Key::new(self.signing, ids, self.next_in_pool);
        self.next_in_pool += 1;
        let kid = key.kid.clone();
        self.keys.push(key);
        if self.keys.len() > MAX_KEYS {
            self.keys.remove(0);
        }
        kid
    }

    fn retire_expired(&mut self, now: u64) {
        self.keys.retain(|k| k.retires_at.is_none_or(|at| at > now));
    }

    fn live(&self, now: u64) -> impl Iterator<Item = &Key> {
        self.keys
            .iter()
            .filter(move |k| k.retires_at.is_none_or(|at| at > now))
    }

    /// The live public keys, `{"keys": [..]}`, newest first.
    pub(crate) fn jwks(&self, now: u64) -> Value {
        let keys: Vec<Value> = self
            .live(now)
            .map(Key::jwk)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        json!({ "keys": keys })
    }

    /// `payload` as a JWT signed by the current key.
    pub(crate) fn sign(&self, payload: &Map<String, Value>) -> String {
        let key = self.current();
        let header = json!({"alg": key.alg(), "kid": key.kid, "typ": "JWT"});
        let signed = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(Value::Object(payload.clone()).to_string())
        );
        let signature = URL_SAFE_NO_PAD.encode(key.sign(signed.as_bytes()));
        format!("{signed}.{signature}")
    }

    /// The claims of `jwt` when a live key of this ring signed it (its
    /// expiry is the caller's to check).
    pub(crate) fn verified_claims(&self, jwt: &str, now: u64) -> Option<Map<String, Value>> {
        let (signed, signature) = jwt.rsplit_once('.')?;
        let (header, payload) = signed.split_once('.')?;
        let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
        let kid = header.get("kid")?.as_str()?;
        let key = self.live(now).find(|k| k.kid == kid)?;
        if header.get("alg")?.as_str()? != key.alg() {
            return None;
        }
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        if !key.verifies(signed.as_bytes(), &signature) {
            return None;
        }
        match serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()? {
            Value::Object(claims) => Some(claims),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Map<String, Value> {
        Map::from_iter([("sub".to_string(), json!("U1"))])
    }

    #[test]
    fn each_algorithm_signs_and_verifies_and_serves_its_key() {
        for signing in [Signing::Rs256, Signing::Es256] {
            let ring = KeyRing::new(signing, &Ids::new(None));
            let jwt = ring.sign(&claims());
            assert_eq!(ring.verified_claims(&jwt, 0).unwrap()["sub"], "U1");
            let mut tampered = jwt.clone();
            tampered.insert(jwt.find('.').unwrap() + 3, 'A');
            assert_eq!(ring.verified_claims(&tampered, 0), None, "{signing:?}");
            let other = KeyRing::new(signing, &Ids::new(None));
            assert_eq!(other.verified_claims(&jwt, 0), None, "another ring's key");
            let jwks = ring.jwks(0);
            let key = &jwks["keys"][0];
            assert_eq!(key["alg"], signing.name());
            assert_eq!(key["kid"], ring.current_kid());
            assert_eq!(
                Signing::from_name(&signing.name().to_lowercase()),
                Some(signing)
            );
        }
        let rsa = KeyRing::new(Signing::Rs256, &Ids::new(None)).jwks(0);
        let n = URL_SAFE_NO_PAD
            .decode(rsa["keys"][0]["n"].as_str().unwrap())
            .unwrap();
        assert_eq!((n.len(), rsa["keys"][0]["e"].as_str()), (256, Some("AQAB")));
    }

    #[test]
    fn a_rotated_key_verifies_through_its_grace_and_then_not() {
        let ids = Ids::new(None);
        let mut ring = KeyRing::new(Signing::Rs256, &ids);
        let old = ring.sign(&claims());
        let old_kid = ring.current_kid().to_string();
        let new_kid = ring.rotate(&ids, 1_000, 60);
        assert_ne!(old_kid, new_kid);
        assert!(ring.verified_claims(&old, 1_059).is_some());
        assert_eq!(ring.jwks(1_059)["keys"].as_array().unwrap().len(), 2);
        assert_eq!(
            ring.jwks(1_059)["keys"][0]["kid"],
            new_kid.as_str(),
            "newest first"
        );
        assert!(ring.verified_claims(&old, 1_060).is_none(), "retired");
        assert_eq!(ring.jwks(1_060)["keys"].as_array().unwrap().len(), 1);
        let new = ring.sign(&claims());
        assert!(new.contains('.') && ring.verified_claims(&new, 5_000).is_some());
        // The retired key is gone from memory at the next rotation, and each
        // rotation takes another key of the pool.
        let before = ring.jwks(1_060)["keys"][0]["n"].clone();
        ring.rotate(&ids, 1_060, 60);
        assert_eq!(ring.keys.len(), 2);
        assert_ne!(ring.jwks(1_060)["keys"][0]["n"], before);
        for _ in 0..(MAX_KEYS + 4) {
            ring.rotate(&ids, 2_000, 1_000_000);
        }
        assert_eq!(ring.keys.len(), MAX_KEYS, "bounded");
    }

    #[test]
    fn rotations_take_new_pool_keys_and_keep_those_in_their_grace() {
        let ids = Ids::new(Some(1));
        let mut ring = KeyRing::new(Signing::Rs256, &ids);
        let first = ring.sign(&claims());
        let mut moduli = vec![ring.jwks(0)["keys"][0]["n"].to_string()];
        for at in [1, 2, 3] {
            ring.rotate(&ids, at, 60);
            moduli.push(ring.jwks(at)["keys"][0]["n"].to_string());
        }
        moduli.sort();
        moduli.dedup();
        assert_eq!(moduli.len(), 4, "four keys in a row of a pool of eight");
        // Each rotation retires only keys past their grace, not those in it.
        assert_eq!(ring.jwks(3)["keys"].as_array().unwrap().len(), 4);
        assert!(ring.verified_claims(&first, 60).is_some());
    }

    #[test]
    fn a_seed_gives_the_same_keys_and_tokens() {
        for signing in [Signing::Rs256, Signing::Es256] {
            let a = KeyRing::new(signing, &Ids::new(Some(3)));
            let b = KeyRing::new(signing, &Ids::new(Some(3)));
            assert_eq!(a.jwks(0), b.jwks(0));
            assert_eq!(a.sign(&claims()), b.sign(&claims()));
        }
    }
}
