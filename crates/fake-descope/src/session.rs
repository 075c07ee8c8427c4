//! The sessions the fake issues: ES256 JWTs signed by a key of its own,
//! whose public half it serves as a JWKS at `/v2/keys/<projectId>`, as
//! Descope does, so that a service validates them with any JWT library.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use serde_json::{json, Map, Value};

use crate::registry::{random_id, unix_now};

/// How long a session JWT lives: Descope's default, 10 minutes.
pub const SESSION_LIFETIME_SECS: u64 = 600;
/// How long a refresh JWT lives: Descope's default, 4 weeks.
pub const REFRESH_LIFETIME_SECS: u64 = 4 * 7 * 24 * 3600;

/// Descope's `drn` claim, which tells the two JWTs apart.
const SESSION_DRN: &str = "DS";
const REFRESH_DRN: &str = "DSR";

/// A fake's signing key; a fresh one per fake.
pub(crate) struct SessionKeys {
    signing: SigningKey,
    kid: String,
}

/// A session just issued.
pub(crate) struct Issued {
    pub(crate) session_jwt: String,
    pub(crate) refresh_jwt: String,
    pub(crate) session_expiration: u64,
    pub(crate) refresh_expiration: u64,
}

impl SessionKeys {
    pub(crate) fn new() -> Self {
        let signing = loop {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).expect("the operating system's random generator works");
            // Almost every 32 bytes are a valid scalar; the rest are tried again.
            if let Ok(key) = SigningKey::from_bytes(&bytes.into()) {
                break key;
            }
        };
        SessionKeys {
            signing,
            kid: random_id()[..16].to_string(),
        }
    }

    /// A session JWT (with `claims` added) and a refresh JWT for `user_id`
    /// of `project_id`.
    pub(crate) fn issue(
        &self,
        project_id: &str,
        user_id: &str,
        claims: &Map<String, Value>,
    ) -> Issued {
        let now = unix_now();
        let session_expiration = now + SESSION_LIFETIME_SECS;
        let refresh_expiration = now + REFRESH_LIFETIME_SECS;
        let jwt = |drn: &str, exp: u64, extra: &Map<String, Value>| {
            let mut payload = extra.clone();
            // Descope's own claims win over custom ones of the same name.
            for (name, value) in [
                ("sub", json!(user_id)),
                ("iss", json!(project_id)),
                ("iat", json!(now)),
                ("exp", json!(exp)),
                ("drn", json!(drn)),
                ("jti", json!(random_id())),
            ] {
                payload.insert(name.into(), value);
            }
            self.sign(&Value::Object(payload))
        };
        Issued {
            session_jwt: jwt(SESSION_DRN, session_expiration, claims),
            refresh_jwt: jwt(REFRESH_DRN, refresh_expiration, &Map::new()),
            session_expiration,
            refresh_expiration,
        }
    }

    fn sign(&self, payload: &Value) -> String {
        let header = json!({"alg": "ES256", "kid": self.kid, "typ": "JWT"});
        let signed = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(payload.to_string())
        );
        let signature: Signature = self.signing.sign(signed.as_bytes());
        format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }

    /// The user id of `jwt` when it is a refresh JWT this fake issued for
    /// `project_id` and has not expired.
    pub(crate) fn refresh_subject(&self, jwt: &str, project_id: &str) -> Option<String> {
        let claims = self.verified_claims(jwt)?;
        let text = |name: &str| claims.get(name).and_then(Value::as_str);
        let live = claims
            .get("exp")
            .and_then(Value::as_u64)
            .is_some_and(|exp| exp > unix_now());
        (live && text("drn") == Some(REFRESH_DRN) && text("iss") == Some(project_id))
            .then(|| text("sub").map(str::to_string))
            .flatten()
    }

    fn verified_claims(&self, jwt: &str) -> Option<Map<String, Value>> {
        let (signed, signature) = jwt.rsplit_once('.')?;
        let (_, payload) = signed.split_once('.')?;
        let signature = Signature::from_slice(&URL_SAFE_NO_PAD.decode(signature).ok()?).ok()?;
        VerifyingKey::from(&self.signing)
            .verify(signed.as_bytes(), &signature)
            .ok()?;
        match serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()? {
            Value::Object(claims) => Some(claims),
            _ => None,
        }
    }

    /// The public key as a JWKS (`{"keys": [..]}`), as Descope serves it.
    pub(crate) fn jwks(&self) -> Value {
        let point = VerifyingKey::from(&self.signing).to_encoded_point(false);
        let coordinate = |c: Option<&p256::FieldBytes>| {
            URL_SAFE_NO_PAD.encode(c.expect("an uncompressed point has both coordinates"))
        };
        json!({"keys": [{
            "kty": "EC",
            "crv": "P-256",
            "alg": "ES256",
            "use": "sig",
            "kid": self.kid,
            "x": coordinate(point.x()),
            "y": coordinate(point.y()),
        }]})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(jwt: &str) -> Map<String, Value> {
        let payload = jwt.split('.').nth(1).unwrap();
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
    }

    #[test]
    fn issued_sessions_carry_descopes_claims_and_verify() {
        let keys = SessionKeys::new();
        let custom = Map::from_iter([
            ("plan".to_string(), json!("pro")),
            ("sub".to_string(), json!("spoofed")),
        ]);
        let issued = keys.issue("P1", "U1", &custom);
        let session = claims(&issued.session_jwt);
        assert_eq!(session["sub"], "U1", "a custom claim cannot replace sub");
        assert_eq!(session["iss"], "P1");
        assert_eq!(session["plan"], "pro");
        assert_eq!(session["drn"], "DS");
        assert_eq!(session["exp"], json!(issued.session_expiration));
        let refresh = claims(&issued.refresh_jwt);
        assert_eq!(
            (refresh["drn"].as_str(), refresh.get("plan")),
            (Some("DSR"), None)
        );
        assert_eq!(
            keys.refresh_subject(&issued.refresh_jwt, "P1").as_deref(),
            Some("U1")
        );
        // Not for another project, not the session JWT, not another fake's.
        assert_eq!(keys.refresh_subject(&issued.refresh_jwt, "P2"), None);
        assert_eq!(keys.refresh_subject(&issued.session_jwt, "P1"), None);
        assert_eq!(
            SessionKeys::new().refresh_subject(&issued.refresh_jwt, "P1"),
            None
        );
        let mut tampered = issued.refresh_jwt.clone();
        tampered.insert(tampered.len() / 2, 'A');
        assert_eq!(keys.refresh_subject(&tampered, "P1"), None);
        assert_eq!(keys.refresh_subject("a.b.c", "P1"), None);
    }

    #[test]
    fn the_jwks_holds_the_public_key() {
        let keys = SessionKeys::new();
        let jwks = keys.jwks();
        let key = &jwks["keys"][0];
        assert_eq!(
            (key["kty"].as_str(), key["crv"].as_str()),
            (Some("EC"), Some("P-256"))
        );
        assert_eq!(key["kid"], json!(keys.kid));
        for coordinate in ["x", "y"] {
            let bytes = URL_SAFE_NO_PAD
                .decode(key[coordinate].as_str().unwrap())
                .unwrap();
            assert_eq!(bytes.len(), 32);
        }
    }
}
