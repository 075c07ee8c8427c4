//! Read the project's public keys: the key set session JWTs are signed with.

use std::collections::BTreeMap;

use descope_raw::types::{
    Sessionv1JwksResponse as WireKey, Sessionv1JwksResponseV2 as WireResponse,
};
use descope_spec::fields::get_keys_v2::response as fields;
use descope_spec::Operation;
use serde_json::Value;

use crate::client::{Call, DescopeClient, Reply};
use crate::error::Error;

/// A read of the project's keys being prepared; see
/// [`Sessions::keys`](super::Sessions::keys). Nothing is sent until
/// [`send`](Self::send).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct KeysRequest<'c> {
    client: &'c DescopeClient,
    certs: Option<bool>,
}

impl<'c> KeysRequest<'c> {
    pub(crate) fn new(client: &'c DescopeClient) -> Self {
        Self {
            client,
            certs: None,
        }
    }

    /// Whether Descope adds each key's certificate chain (readable through
    /// [`Jwk::member`], as `x5c`); left off the request unless set.
    pub fn certs(mut self, certs: bool) -> Self {
        self.certs = Some(certs);
        self
    }

    /// Sends `GET /v2/keys/<project id>` with no credential; retries by the
    /// client's policy. An unknown project is refused with 400.
    pub async fn send(self) -> Result<KeySet, Error> {
        let reply = self.exchange().await?;
        Ok(KeySet::from_wire(reply.value, reply.body.as_deref()))
    }

    /// [`send`](Self::send), answering the generated response type and the
    /// body it was read from.
    pub(crate) async fn exchange(self) -> Result<Reply<WireResponse>, Error> {
        let project_id = self.client.project_id().as_str();
        let certs = self.certs;
        self.client
            .prepare(Call::of(Operation::GetKeysV2))
            .await?
            .send((), |raw, ()| {
                let request = raw.get_keys_v2().project_id(project_id);
                match certs {
                    Some(certs) => request.certs(certs),
                    None => request,
                }
                .send()
            })
            .await
    }
}

/// The project's public signing keys (a JSON Web Key Set): more than one
/// while a rotation is under way. A session JWT names the key that signed it
/// in its header's `kid`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct KeySet {
    keys: Vec<Jwk>,
}

impl KeySet {
    /// The set as the generated type holds it, with each key's other
    /// members read from `body` (the generated type has no room for them).
    pub(crate) fn from_wire(wire: WireResponse, body: Option<&[u8]>) -> Self {
        let mut others = body
            .and_then(|body| serde_json::from_slice::<Value>(body).ok())
            .and_then(|mut body| body.get_mut(fields::KEYS).map(Value::take))
            .and_then(|keys| match keys {
                Value::Array(keys) if keys.len() == wire.keys.len() => Some(keys),
                _ => None,
            })
            .unwrap_or_default()
            .into_iter();
        let keys = wire
            .keys
            .into_iter()
            .map(|key| Jwk::from_wire(key, others.next()))
            .collect();
        KeySet { keys }
    }

    /// Every key, in the order Descope lists them.
    pub fn keys(&self) -> &[Jwk] {
        &self.keys
    }

    /// The key whose id is `kid`: the one a session JWT whose header names
    /// `kid` is checked with. `None` means the set has rotated since it was
    /// read (read it again) or the JWT is not of this project.
    pub fn get(&self, kid: &str) -> Option<&Jwk> {
        self.keys.iter().find(|key| key.kid == kid)
    }

    /// How many keys the set holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the set holds no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// One public key (a JSON Web Key, RFC 7517): for RSA its modulus
/// [`n`](Self::n) and exponent [`e`](Self::e), base64url; the members of
/// other key types (an EC key's `crv`, `x`, `y`) and any others through
/// [`member`](Self::member).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Jwk {
    kid: String,
    kty: String,
    alg: Option<String>,
    key_use: Option<String>,
    n: Option<String>,
    e: Option<String>,
    /// The members the spec does not name, by name.
    others: BTreeMap<String, Value>,
}

impl Jwk {
    /// The key as the generated type holds it, plus the members of `body`
    /// (the same key as JSON) that the generated type does not.
    fn from_wire(wire: WireKey, body: Option<Value>) -> Self {
        // The members the generated type holds, by their spec names: what
        // it serialises (its absent options are absent, or null, in `body`).
        let named = serde_json::to_value(&wire).unwrap_or_default();
        let others = match body {
            Some(Value::Object(members)) => members
                .into_iter()
                .filter(|(name, value)| named.get(name).is_none() && !value.is_null())
                .collect(),
            _ => BTreeMap::new(),
        };
        Jwk {
            kid: wire.kid,
            kty: wire.kty,
            alg: wire.alg,
            key_use: wire.use_,
            n: wire.n,
            e: wire.e,
            others,
        }
    }

    /// The key's id (`kid`), which a session JWT's header names.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The key type (`kty`): `RSA` for Descope's keys, `EC` for some.
    pub fn kty(&self) -> &str {
        &self.kty
    }

    /// The JWS algorithm the key signs with (`alg`), such as `RS256`.
    pub fn alg(&self) -> Option<&str> {
        self.alg.as_deref()
    }

    /// What the key is for (`use`): `sig`.
    pub fn key_use(&self) -> Option<&str> {
        self.key_use.as_deref()
    }

    /// An RSA key's modulus (`n`), base64url.
    pub fn n(&self) -> Option<&str> {
        self.n.as_deref()
    }

    /// An RSA key's public exponent (`e`), base64url.
    pub fn e(&self) -> Option<&str> {
        self.e.as_deref()
    }

    /// A member the accessors above do not cover, by its JWK name: an EC
    /// key's `crv`, `x`, `y`; `x5c` when certificates were asked for.
    pub fn member(&self, name: &str) -> Option<&Value> {
        self.others.get(name)
    }

    /// Every member the accessors above do not cover, by name.
    pub fn members(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.others
            .iter()
            .map(|(name, value)| (name.as_str(), value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn wire(body: &Value) -> WireResponse {
        serde_json::from_value(body.clone()).unwrap()
    }

    #[test]
    fn members_the_spec_does_not_name_are_kept_from_the_body() {
        let body = json!({"keys": [
            {"kid": "r1", "kty": "RSA", "alg": "RS256", "use": "sig", "n": "AQAB-n", "e": "AQAB"},
            {"kid": "e1", "kty": "EC", "alg": "ES256", "crv": "P-256", "x": "eA", "y": "eQ",
             "x5c": ["Y2VydA"], "n": null}
        ]});
        let bytes = body.to_string().into_bytes();
        let set = KeySet::from_wire(wire(&body), Some(&bytes));
        assert_eq!((set.len(), set.is_empty()), (2, false));
        let rsa = set.get("r1").unwrap();
        assert_eq!(
            (rsa.kty(), rsa.alg(), rsa.key_use(), rsa.n(), rsa.e()),
            (
                "RSA",
                Some("RS256"),
                Some("sig"),
                Some("AQAB-n"),
                Some("AQAB")
            )
        );
        assert_eq!(rsa.members().count(), 0);
        let ec = set.get("e1").unwrap();
        assert_eq!(ec.member("crv"), Some(&json!("P-256")));
        assert_eq!(ec.member("x5c"), Some(&json!(["Y2VydA"])));
        let names: Vec<&str> = ec.members().map(|(name, _)| name).collect();
        assert_eq!(names, ["crv", "x", "x5c", "y"]);
        assert_eq!((ec.n(), ec.member("n")), (None, None));
        assert!(set.get("nope").is_none());
    }

    #[test]
    fn without_a_readable_body_the_named_members_remain() {
        let body = json!({"keys": [{"kid": "e1", "kty": "EC", "crv": "P-256"}]});
        for bytes in [None, Some(&b"not json"[..]), Some(&br#"{"keys": []}"#[..])] {
            let set = KeySet::from_wire(wire(&body), bytes);
            let key = &set.keys()[0];
            assert_eq!(
                (key.kid(), key.kty(), key.member("crv")),
                ("e1", "EC", None)
            );
        }
        assert!(KeySet::from_wire(wire(&json!({"keys": []})), None).is_empty());
    }
}
