//! A compact JWS taken apart strictly, before any key is looked at: its
//! size, three strict base64url parts, a header that is a JSON object
//! without repeated members or parameters that would choose the key, and,
//! once the signature has verified, the claims.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value};

use super::crypto::Algorithm;
use super::error::{cut, SessionError};

/// The longest token read, in bytes: a session JWT with many tenants and
/// custom claims stays far below it (cookies end at 4 KiB).
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// Header parameters that would let a token pick its own key, or demand
/// processing this validator does not do.
const FORBIDDEN_HEADER: [&str; 5] = ["crit", "jku", "x5u", "jwk", "x5c"];
/// More members than a header needs: refused before they are compared.
const MAX_HEADER_MEMBERS: usize = 16;

/// A token taken apart; its parts borrow from it.
pub(crate) struct Token<'t> {
    /// `header.payload`: what the signature covers.
    pub(crate) signed: &'t str,
    /// The payload, still base64url.
    pub(crate) payload: &'t str,
    /// The signature, decoded.
    pub(crate) signature: Signature,
    /// The header's algorithm, known to be one this crate verifies.
    pub(crate) alg: Algorithm,
    /// The header's `kid`.
    pub(crate) kid: String,
}

/// Room for the longest signature, 8192-bit RSA's 1024 bytes (with the
/// slack base64's length estimate asks for).
const SIGNATURE_BUFFER: usize = 1032;
/// The base64url text of a 1024-byte signature.
const MAX_SIGNATURE_TEXT: usize = 1366;

/// A signature, on the stack.
pub(crate) struct Signature {
    bytes: [u8; SIGNATURE_BUFFER],
    len: usize,
}

impl Signature {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// Splits and checks everything but the signature and the claims.
pub(crate) fn parse(jwt: &str) -> Result<Token<'_>, SessionError> {
    if jwt.len() > MAX_TOKEN_BYTES {
        return Err(SessionError::TooLarge {
            limit: MAX_TOKEN_BYTES,
        });
    }
    let malformed = SessionError::malformed;
    let (signed, signature) = jwt
        .rsplit_once('.')
        .ok_or(malformed("not three dot-separated parts"))?;
    let (header, payload) = signed
        .split_once('.')
        .ok_or(malformed("not three dot-separated parts"))?;
    if payload.contains('.') {
        return Err(malformed("not three dot-separated parts"));
    }
    if header.is_empty() || payload.is_empty() || signature.is_empty() {
        return Err(malformed("an empty part"));
    }

    let mut decoded_signature = Signature {
        bytes: [0; SIGNATURE_BUFFER],
        len: 0,
    };
    if signature.len() > MAX_SIGNATURE_TEXT {
        return Err(malformed("the signature is longer than any key's"));
    }
    decoded_signature.len = URL_SAFE_NO_PAD
        .decode_slice(signature, &mut decoded_signature.bytes)
        .map_err(|_| malformed("the signature is not strict base64url"))?;

    let header_json = decode(header).ok_or(malformed("the header is not strict base64url"))?;
    let header = Header::parse(&header_json)?;
    Ok(Token {
        signed,
        payload,
        signature: decoded_signature,
        alg: header.alg,
        kid: header.kid,
    })
}

/// Strict base64url (RFC 7515 2: no padding, no other alphabet, no
/// non-zero spare bits), or `None`.
pub(crate) fn decode(part: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(part).ok()
}

/// The header members that matter, checked.
struct Header {
    alg: Algorithm,
    kid: String,
}

impl Header {
    fn parse(json: &[u8]) -> Result<Header, SessionError> {
        let refusal = Cell::new(None);
        let mut deserializer = serde_json::Deserializer::from_slice(json);
        let parsed = HeaderSeed(&refusal)
            .deserialize(&mut deserializer)
            .and_then(|header| deserializer.end().map(|()| header));
        let fields = match parsed {
            Ok(fields) => fields,
            Err(_) => {
                return Err(refusal
                    .take()
                    .unwrap_or(SessionError::malformed("the header is not a JSON object")))
            }
        };
        if fields
            .typ
            .as_deref()
            .is_some_and(|typ| !typ.eq_ignore_ascii_case("JWT"))
        {
            return Err(SessionError::malformed("the header's typ is not JWT"));
        }
        let alg = fields
            .alg
            .ok_or(SessionError::malformed("the header has no alg"))?;
        let alg = Algorithm::from_name(&alg).ok_or_else(|| SessionError::AlgorithmNotAllowed {
            algorithm: cut(&alg),
        })?;
        let kid = fields
            .kid
            .filter(|kid| !kid.is_empty())
            .ok_or(SessionError::malformed("the header has no kid"))?;
        Ok(Header { alg, kid })
    }
}

#[derive(Default)]
struct HeaderFields {
    alg: Option<String>,
    kid: Option<String>,
    typ: Option<String>,
}

/// Reads the header object, leaving in `.0` the typed reason for a refusal
/// that is not a JSON syntax error.
struct HeaderSeed<'r>(&'r Cell<Option<SessionError>>);

impl<'de> DeserializeSeed<'de> for HeaderSeed<'_> {
    type Value = HeaderFields;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<HeaderFields, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for HeaderSeed<'_> {
    type Value = HeaderFields;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JOSE header object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<HeaderFields, A::Error> {
        let mut fields = HeaderFields::default();
        let mut seen: Vec<Name<'de>> = Vec::new();
        let refuse = |error: SessionError| {
            self.0.set(Some(error));
            de::Error::custom("refused")
        };
        while let Some(name) = map.next_key::<Name<'de>>()? {
            if seen.len() == MAX_HEADER_MEMBERS {
                return Err(refuse(SessionError::malformed(
                    "the header has too many members",
                )));
            }
            if seen.iter().any(|other| other.as_str() == name.as_str()) {
                return Err(refuse(SessionError::ForbiddenHeader {
                    parameter: cut(name.as_str()),
                    duplicate: true,
                }));
            }
            if let Some(forbidden) = FORBIDDEN_HEADER.iter().find(|p| **p == name.as_str()) {
                return Err(refuse(SessionError::ForbiddenHeader {
                    parameter: (*forbidden).to_string(),
                    duplicate: false,
                }));
            }
            let slot = match name.as_str() {
                "alg" => Some(&mut fields.alg),
                "kid" => Some(&mut fields.kid),
                "typ" => Some(&mut fields.typ),
                _ => None,
            };
            match slot {
                Some(slot) => {
                    let value: String = map.next_value().map_err(|_: A::Error| {
                        refuse(SessionError::malformed("a header member is not a string"))
                    })?;
                    *slot = Some(value);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            seen.push(name);
        }
        Ok(fields)
    }
}

/// A member name, borrowed from the JSON unless it holds escapes.
enum Name<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Name<'_> {
    fn as_str(&self) -> &str {
        match self {
            Name::Borrowed(name) => name,
            Name::Owned(name) => name,
        }
    }
}

impl<'de> de::Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor;
        impl<'de> Visitor<'de> for NameVisitor {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, name: &'de str) -> Result<Name<'de>, E> {
                Ok(Name::Borrowed(name))
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<Name<'de>, E> {
                Ok(Name::Owned(name.to_string()))
            }
        }
        deserializer.deserialize_str(NameVisitor)
    }
}

/// A tenant's roles and permissions in a session JWT (`tenants.<id>`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TenantAccess {
    /// The user's roles in the tenant.
    pub roles: Vec<String>,
    /// The user's permissions in the tenant.
    pub permissions: Vec<String>,
}

/// The claims of a session JWT, read once its signature has verified.
#[derive(Default)]
pub(crate) struct Claims {
    pub(crate) iss: Option<String>,
    pub(crate) sub: Option<String>,
    pub(crate) dsub: Option<String>,
    pub(crate) aud: Vec<String>,
    pub(crate) exp: Option<i64>,
    pub(crate) nbf: Option<i64>,
    pub(crate) iat: Option<i64>,
    pub(crate) drn: Option<String>,
    pub(crate) sid: Option<String>,
    pub(crate) jti: Option<String>,
    pub(crate) amr: Vec<String>,
    pub(crate) su: bool,
    pub(crate) dct: Option<String>,
    pub(crate) tenants: BTreeMap<String, TenantAccess>,
    pub(crate) roles: Vec<String>,
    pub(crate) permissions: Vec<String>,
    /// Every other claim.
    pub(crate) custom: Map<String, Value>,
}

impl Claims {
    /// The claims of a payload (base64url), or why they are not.
    pub(crate) fn parse(payload: &str) -> Result<Claims, SessionError> {
        let json = decode(payload).ok_or(SessionError::malformed(
            "the payload is not strict base64url",
        ))?;
        let refusal = Cell::new(None);
        let mut deserializer = serde_json::Deserializer::from_slice(&json);
        let parsed = ClaimsSeed(&refusal)
            .deserialize(&mut deserializer)
            .and_then(|claims| deserializer.end().map(|()| claims));
        parsed.map_err(|_| {
            refusal
                .take()
                .unwrap_or(SessionError::malformed("the claims are not a JSON object"))
        })
    }
}

struct ClaimsSeed<'r>(&'r Cell<Option<SessionError>>);

impl<'de> DeserializeSeed<'de> for ClaimsSeed<'_> {
    type Value = Claims;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Claims, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ClaimsSeed<'_> {
    type Value = Claims;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JWT claims object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Claims, A::Error> {
        let mut claims = Claims::default();
        // Which of the claims read here were seen, one bit each.
        let mut seen: u32 = 0;
        let refuse = |reason: &'static str| {
            self.0.set(Some(SessionError::malformed(reason)));
            de::Error::custom("refused")
        };
        let wrong_type = |_: A::Error| refuse("a claim has the wrong type");
        while let Some(name) = map.next_key::<Name<'de>>()? {
            let Some(known) = Known::from_name(name.as_str()) else {
                let value: Value = map.next_value()?;
                let name = match name {
                    Name::Borrowed(name) => name.to_string(),
                    Name::Owned(name) => name,
                };
                if claims.custom.insert(name, value).is_some() {
                    return Err(refuse("a claim is given twice"));
                }
                continue;
            };
            let bit = 1 << known as u32;
            if seen & bit != 0 {
                return Err(refuse("a claim is given twice"));
            }
            seen |= bit;
            let mut date = || {
                map.next_value::<Option<NumericDate>>()
                    .map(|date| date.map(|date| date.0))
                    .map_err(|_| refuse("a time claim is not a number of seconds in range"))
            };
            match known {
                Known::Exp => claims.exp = date()?,
                Known::Nbf => claims.nbf = date()?,
                Known::Iat => claims.iat = date()?,
                Known::Iss => claims.iss = map.next_value().map_err(wrong_type)?,
                Known::Sub => claims.sub = map.next_value().map_err(wrong_type)?,
                Known::Dsub => claims.dsub = map.next_value().map_err(wrong_type)?,
                Known::Aud => claims.aud = map.next_value::<Audience>().map_err(wrong_type)?.0,
                Known::Drn => claims.drn = map.next_value().map_err(wrong_type)?,
                Known::Sid => claims.sid = map.next_value().map_err(wrong_type)?,
                Known::Jti => claims.jti = map.next_value().map_err(wrong_type)?,
                Known::Amr => claims.amr = strings(&mut map).map_err(wrong_type)?,
                Known::Su => {
                    claims.su = map
                        .next_value::<Option<bool>>()
                        .map_err(wrong_type)?
                        .unwrap_or(false)
                }
                Known::Dct => claims.dct = map.next_value().map_err(wrong_type)?,
                Known::Tenants => {
                    claims.tenants = map
                        .next_value::<Option<BTreeMap<String, WireTenant>>>()
                        .map_err(wrong_type)?
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(id, tenant)| {
                            let access = TenantAccess {
                                roles: tenant.roles.unwrap_or_default(),
                                permissions: tenant.permissions.unwrap_or_default(),
                            };
                            (id, access)
                        })
                        .collect()
                }
                Known::Roles => claims.roles = strings(&mut map).map_err(wrong_type)?,
                Known::Permissions => claims.permissions = strings(&mut map).map_err(wrong_type)?,
            }
        }
        Ok(claims)
    }
}

/// The claims read into fields of their own (registered, and Descope's).
#[derive(Clone, Copy)]
enum Known {
    Iss,
    Sub,
    Dsub,
    Aud,
    Exp,
    Nbf,
    Iat,
    Drn,
    Sid,
    Jti,
    Amr,
    Su,
    Dct,
    Tenants,
    Roles,
    Permissions,
}

impl Known {
    fn from_name(name: &str) -> Option<Known> {
        Some(match name {
            "iss" => Known::Iss,
            "sub" => Known::Sub,
            "dsub" => Known::Dsub,
            "aud" => Known::Aud,
            "exp" => Known::Exp,
            "nbf" => Known::Nbf,
            "iat" => Known::Iat,
            "drn" => Known::Drn,
            "sid" => Known::Sid,
            "jti" => Known::Jti,
            "amr" => Known::Amr,
            "su" => Known::Su,
            "dct" => Known::Dct,
            "tenants" => Known::Tenants,
            "roles" => Known::Roles,
            "permissions" => Known::Permissions,
            _ => return None,
        })
    }
}

/// A list of strings, `null` being none.
fn strings<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Vec<String>, A::Error> {
    Ok(map.next_value::<Option<Vec<String>>>()?.unwrap_or_default())
}

/// `tenants.<id>` as Descope writes it; other members are ignored.
#[derive(serde::Deserialize)]
struct WireTenant {
    #[serde(default)]
    roles: Option<Vec<String>>,
    #[serde(default)]
    permissions: Option<Vec<String>>,
}

/// `aud`: one string or an array of them (RFC 7519 4.1.3).
struct Audience(Vec<String>);

impl<'de> de::Deserialize<'de> for Audience {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Wire {
            One(String),
            Many(Vec<String>),
        }
        Ok(Audience(match Option::<Wire>::deserialize(deserializer)? {
            None => Vec::new(),
            Some(Wire::One(one)) => vec![one],
            Some(Wire::Many(many)) => many,
        }))
    }
}

/// A NumericDate (RFC 7519 2): seconds since the epoch, an integer or
/// not, within what a `SystemTime` holds; fractions are dropped.
struct NumericDate(i64);

/// Beyond the year 9999: no real token's times.
const MAX_SECONDS: i64 = 253_402_300_799;

impl<'de> de::Deserialize<'de> for NumericDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let number = serde_json::Number::deserialize(deserializer)?;
        let seconds = if let Some(seconds) = number.as_i64() {
            seconds
        } else {
            match number.as_f64() {
                Some(seconds) if seconds.is_finite() && seconds.abs() <= MAX_SECONDS as f64 => {
                    seconds.floor() as i64
                }
                _ => return Err(de::Error::custom("out of range")),
            }
        };
        if !(-MAX_SECONDS..=MAX_SECONDS).contains(&seconds) {
            return Err(de::Error::custom("out of range"));
        }
        Ok(NumericDate(seconds))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(text: &str) -> String {
        URL_SAFE_NO_PAD.encode(text)
    }

    fn token(header: &str, payload: &str) -> String {
        format!("{}.{}.{}", b64(header), b64(payload), b64("sig"))
    }

    fn refusal(jwt: &str) -> SessionError {
        match parse(jwt) {
            Ok(_) => panic!("accepted"),
            Err(error) => error,
        }
    }

    const GOOD_HEADER: &str = r#"{"alg":"RS256","kid":"K1","typ":"JWT"}"#;

    #[test]
    fn the_bounds_are_inclusive() {
        // A signature of 1024 bytes (8192-bit RSA) is read; one more is refused.
        let signed = format!("{}.{}", b64(GOOD_HEADER), b64("{}"));
        let longest = URL_SAFE_NO_PAD.encode([7u8; 1024]);
        assert_eq!(longest.len(), MAX_SIGNATURE_TEXT);
        let read = parse(&format!("{signed}.{longest}")).map(|t| t.signature.as_bytes().len());
        assert_eq!(read.ok(), Some(1024));
        let refused = refusal(&format!("{signed}.{longest}A"));
        assert!(matches!(refused, SessionError::Malformed { reason } if reason.contains("longer")));
        // A token of exactly the size bound is looked at; one byte more is not.
        let padding = MAX_TOKEN_BYTES - signed.len() - 1 - 4;
        let at_bound = format!("{signed}{}.c2ln", "A".repeat(padding));
        assert_eq!(at_bound.len(), MAX_TOKEN_BYTES);
        assert!(!matches!(
            parse(&at_bound),
            Err(SessionError::TooLarge { .. })
        ));
        assert!(matches!(
            refusal(&format!("{at_bound}A")),
            SessionError::TooLarge { .. }
        ));
    }

    #[test]
    fn a_good_header_is_read() {
        let jwt = token(GOOD_HEADER, "{}");
        let token = parse(&jwt).unwrap();
        assert_eq!((token.alg, token.kid.as_str()), (Algorithm::Rs256, "K1"));
        assert_eq!(token.signature.as_bytes(), b"sig");
        assert_eq!(token.signed, &jwt[..jwt.rfind('.').unwrap()]);
    }

    #[test]
    fn header_refusals_are_typed() {
        let forbidden = |header: &str| match refusal(&token(header, "{}")) {
            SessionError::ForbiddenHeader {
                parameter,
                duplicate,
            } => (parameter, duplicate),
            other => panic!("{header}: {other:?}"),
        };
        for parameter in FORBIDDEN_HEADER {
            let header = format!(r#"{{"alg":"RS256","kid":"K1","{parameter}":["x"]}}"#);
            assert_eq!(forbidden(&header), (parameter.to_string(), false));
        }
        assert_eq!(
            forbidden(r#"{"alg":"RS256","kid":"K1","alg":"none"}"#),
            ("alg".to_string(), true)
        );
        // The same name written with an escape is the same member.
        assert_eq!(
            forbidden(r#"{"kid":"K1","alg":"RS256","\u006bid":"K2"}"#),
            ("kid".to_string(), true)
        );
        assert_eq!(
            forbidden(r#"{"kid":"K1","alg":"RS256","x":1,"x":2}"#),
            ("x".to_string(), true)
        );
        for alg in ["none", "HS256", "HS512", "EdDSA", "rs256", ""] {
            let header = format!(r#"{{"alg":"{alg}","kid":"K1"}}"#);
            assert!(
                matches!(refusal(&token(&header, "{}")), SessionError::AlgorithmNotAllowed { algorithm } if algorithm == alg),
                "{alg}"
            );
        }
        let malformed = |header: &str| match refusal(&token(header, "{}")) {
            SessionError::Malformed { reason } => reason,
            other => panic!("{header}: {other:?}"),
        };
        assert_eq!(malformed(r#"{"alg":"RS256"}"#), "the header has no kid");
        assert_eq!(
            malformed(r#"{"alg":"RS256","kid":""}"#),
            "the header has no kid"
        );
        assert_eq!(malformed(r#"{"kid":"K1"}"#), "the header has no alg");
        assert_eq!(
            malformed(r#"{"alg":"RS256","kid":7}"#),
            "a header member is not a string"
        );
        assert_eq!(
            malformed(r#"{"alg":"RS256","kid":"K","typ":"at+jwt"}"#),
            "the header's typ is not JWT"
        );
        for not_an_object in ["[]", "\"x\"", "{", "{}x", "null", " "] {
            assert_eq!(
                malformed(not_an_object),
                "the header is not a JSON object",
                "{not_an_object}"
            );
        }
        let many: String = (0..17).map(|i| format!(r#","m{i}":0"#)).collect();
        assert_eq!(
            malformed(&format!(r#"{{"alg":"RS256","kid":"K"{many}}}"#)),
            "the header has too many members"
        );
    }

    #[test]
    fn only_strict_base64url_in_three_parts_is_read() {
        let good = token(GOOD_HEADER, "{}");
        let reason = |jwt: &str| match refusal(jwt) {
            SessionError::Malformed { reason } => reason,
            other => panic!("{other:?}"),
        };
        let (header, rest) = good.split_once('.').unwrap();
        assert_eq!(
            reason(&format!("{header}=.{rest}")),
            "the header is not strict base64url"
        );
        assert_eq!(
            reason(&format!("{header}+.{rest}")),
            "the header is not strict base64url"
        );
        assert_eq!(
            reason(&format!("{good}==")),
            "the signature is not strict base64url"
        );
        // "c2lo" is "sih"; "c2ln" is "sig"; "c2lnX" has a lone character.
        assert_eq!(
            reason(&format!("{good}X")),
            "the signature is not strict base64url"
        );
        // Non-zero spare bits: "c2lh" -> "sia" is canonical, "c2k" vs "c2l".
        let spare = format!("{}.{}", &good[..good.rfind('.').unwrap()], "c2l");
        assert_eq!(reason(&spare), "the signature is not strict base64url");
        assert_eq!(reason("a.b"), "not three dot-separated parts");
        assert_eq!(reason("a.b.c.d"), "not three dot-separated parts");
        assert_eq!(reason(".b.c"), "an empty part");
        assert_eq!(reason("a..c"), "an empty part");
        assert_eq!(reason("a.b."), "an empty part");
        assert!(matches!(
            refusal(&"a".repeat(MAX_TOKEN_BYTES + 1)),
            SessionError::TooLarge {
                limit: MAX_TOKEN_BYTES
            }
        ));
    }

    #[test]
    fn claims_are_read_strictly() {
        let claims = |json: &str| Claims::parse(&b64(json));
        let read = claims(
            r#"{"iss":"P","sub":"U","dsub":"D","aud":"a","exp":2.9,"nbf":1,"iat":-1,"drn":"DS",
                "sid":"S","jti":"J","amr":["email"],"su":true,"dct":"T1",
                "tenants":{"T1":{"roles":["admin"],"permissions":["p"],"other":1},"T2":{}},
                "roles":["r"],"permissions":null,"plan":"pro"}"#,
        )
        .unwrap();
        assert_eq!((read.exp, read.nbf, read.iat), (Some(2), Some(1), Some(-1)));
        assert_eq!(read.aud, ["a"]);
        assert_eq!(read.tenants["T1"].roles, ["admin"]);
        assert_eq!(read.tenants["T2"], TenantAccess::default());
        assert!(read.su && read.permissions.is_empty());
        assert_eq!(read.custom.len(), 1);
        assert_eq!(claims(r#"{"aud":["a","b"]}"#).unwrap().aud, ["a", "b"]);
        let reason = |json: &str| match claims(json) {
            Err(SessionError::Malformed { reason }) => reason,
            other => panic!("{json}: {:?}", other.err()),
        };
        assert_eq!(reason(r#"{"exp":1,"exp":2}"#), "a claim is given twice");
        assert_eq!(reason(r#"{"x":1,"x":2}"#), "a claim is given twice");
        assert_eq!(
            reason(r#"{"exp":"1"}"#),
            "a time claim is not a number of seconds in range"
        );
        assert_eq!(
            reason(r#"{"exp":1e300}"#),
            "a time claim is not a number of seconds in range"
        );
        assert_eq!(reason(r#"{"roles":"admin"}"#), "a claim has the wrong type");
        assert_eq!(reason(r#"{"su":"yes"}"#), "a claim has the wrong type");
        assert_eq!(reason(r#"{"tenants":[]}"#), "a claim has the wrong type");
        assert_eq!(reason("[]"), "the claims are not a JSON object");
        assert_eq!(reason("{} {}"), "the claims are not a JSON object");
    }
}
