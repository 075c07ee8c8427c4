//! The sessions the fake issues and keeps: a session JWT (`drn: DS`) and a
//! refresh JWT (`drn: DSR`), signed by the fake's current key, and, for each
//! session, the one refresh JWT that is good now, so that a logout revokes
//! it and a rotation retires the one before. Bounded as the rest of the
//! state: past the bound the oldest session ends.

use serde_json::{json, Map, Value};

use crate::bounded::BoundedMap;
use crate::ids::Ids;
use crate::keys::KeyRing;
use crate::refusal::Refusal;
use crate::registry::User;

/// How long a session JWT lives unless set: Descope's default, 10 minutes.
pub const SESSION_LIFETIME_SECS: u64 = 600;
/// How long a refresh JWT lives unless set: Descope's default, 4 weeks.
pub const REFRESH_LIFETIME_SECS: u64 = 4 * 7 * 24 * 3600;

/// Descope's `drn` claim, which tells the two JWTs apart.
const SESSION_DRN: &str = "DS";
const REFRESH_DRN: &str = "DSR";

/// The error code of a refresh JWT that is expired, revoked, rotated out,
/// malformed or of another project (HTTP 401): that of any unusable
/// credential, as the recorded spec has it.
pub(crate) const BAD_REFRESH: &str = crate::refusal::codes::UNAUTHORIZED;

/// How long what the fake issues lives.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Lifetimes {
    pub(crate) session: u64,
    pub(crate) refresh: u64,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Lifetimes {
            session: SESSION_LIFETIME_SECS,
            refresh: REFRESH_LIFETIME_SECS,
        }
    }
}

/// What a new session carries besides the user's own claims.
#[derive(Clone, Debug, Default)]
pub(crate) struct Grant {
    /// Claims of this sign-in (an embedded link's custom claims).
    pub(crate) claims: Map<String, Value>,
    /// `su`: the user stepped up.
    pub(crate) step_up: bool,
    /// `amr`: how the user signed in.
    pub(crate) amr: Vec<String>,
}

/// A session as the fake keeps it.
#[derive(Clone, Debug)]
struct Record {
    project_id: String,
    user_id: String,
    /// The `jti` of the refresh JWT that is good now, or the literal refresh
    /// JWT a setup registered.
    current: String,
    refresh_expiration: u64,
    grant: Grant,
}

/// A session just issued or refreshed.
pub(crate) struct Issued {
    pub(crate) session_jwt: String,
    /// The new refresh JWT: always on sign-in, on refresh only with rotation.
    pub(crate) refresh_jwt: Option<String>,
    pub(crate) session_expiration: u64,
    pub(crate) refresh_expiration: u64,
}

/// The live sessions, by session id (`sid`).
#[derive(Debug)]
pub(crate) struct Sessions {
    live: BoundedMap<String, Record>,
    /// Refresh JWTs a setup registered (the recorded spec's), by value.
    literals: BoundedMap<String, String>,
}

/// What issuing needs besides the session: keys, ids, clock, lifetimes.
#[derive(Clone, Copy)]
pub(crate) struct Issuer<'a> {
    pub(crate) keys: &'a KeyRing,
    pub(crate) ids: &'a Ids,
    pub(crate) now: u64,
    pub(crate) lifetimes: Lifetimes,
}

/// When a new session's two JWTs expire (seconds since the epoch).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Expirations {
    pub(crate) session: u64,
    pub(crate) refresh: u64,
}

impl Issuer<'_> {
    /// The expirations of a session started now.
    pub(crate) fn default_expirations(&self) -> Expirations {
        Expirations {
            session: self.now + self.lifetimes.session,
            refresh: self.now + self.lifetimes.refresh,
        }
    }

    /// When a JWT expiring at `exp` was issued: now, or, for one already
    /// expired, a lifetime before its expiry.
    fn issued_at(&self, exp: u64, lifetime: u64) -> u64 {
        if exp > self.now {
            self.now
        } else {
            exp.saturating_sub(lifetime)
        }
    }

    /// A session JWT for `user` of `project_id`: the user's claims, then the
    /// grant's, then Descope's own, which win over custom ones of their name.
    fn session_jwt(
        &self,
        project_id: &str,
        user: &User,
        sid: &str,
        grant: &Grant,
        exp: u64,
    ) -> String {
        let mut payload = user.claims.custom.clone();
        payload.extend(grant.claims.clone());
        payload.extend(user.claims.descope_claims());
        if grant.step_up {
            payload.insert("su".into(), json!(true));
        }
        if !grant.amr.is_empty() {
            payload.insert("amr".into(), json!(grant.amr));
        }
        let iat = self.issued_at(exp, self.lifetimes.session);
        self.standard(
            &mut payload,
            [project_id, &user.user_id, sid, SESSION_DRN],
            iat,
            exp,
        );
        payload.insert("jti".into(), json!(self.ids.id()));
        self.keys.sign(&payload)
    }

    fn refresh_jwt(
        &self,
        project_id: &str,
        user_id: &str,
        sid: &str,
        jti: &str,
        exp: u64,
    ) -> String {
        let mut payload = Map::new();
        let iat = self.issued_at(exp, self.lifetimes.refresh);
        self.standard(
            &mut payload,
            [project_id, user_id, sid, REFRESH_DRN],
            iat,
            exp,
        );
        payload.insert("jti".into(), json!(jti));
        self.keys.sign(&payload)
    }

    fn standard(
        &self,
        payload: &mut Map<String, Value>,
        [iss, sub, sid, drn]: [&str; 4],
        iat: u64,
        exp: u64,
    ) {
        for (name, value) in [
            ("sub", json!(sub)),
            ("iss", json!(iss)),
            ("iat", json!(iat)),
            ("exp", json!(exp)),
            ("drn", json!(drn)),
            ("sid", json!(sid)),
        ] {
            payload.insert(name.into(), value);
        }
    }
}

impl Sessions {
    pub(crate) fn new(limit: usize) -> Sessions {
        Sessions {
            live: BoundedMap::new(limit),
            literals: BoundedMap::new(limit),
        }
    }

    /// Starts a session of `user` (registered) for `project_id`, its JWTs
    /// expiring as `expirations` say (in the past for an expired one).
    pub(crate) fn start(
        &mut self,
        issuer: &Issuer,
        project_id: &str,
        user: &User,
        grant: Grant,
        expirations: Expirations,
    ) -> Issued {
        let sid = issuer.ids.id();
        let jti = issuer.ids.id();
        let session_jwt = issuer.session_jwt(project_id, user, &sid, &grant, expirations.session);
        let refresh_jwt =
            issuer.refresh_jwt(project_id, &user.user_id, &sid, &jti, expirations.refresh);
        self.live.insert(
            sid,
            Record {
                project_id: project_id.to_string(),
                user_id: user.user_id.clone(),
                current: jti,
                refresh_expiration: expirations.refresh,
                grant,
            },
        );
        Issued {
            session_jwt,
            refresh_jwt: Some(refresh_jwt),
            session_expiration: expirations.session,
            refresh_expiration: expirations.refresh,
        }
    }

    /// Makes the literal `refresh_jwt` a live session of `user_id` (for
    /// setups that need a known one, such as the recorded spec's).
    pub(crate) fn register(
        &mut self,
        ids: &Ids,
        refresh_jwt: &str,
        project_id: &str,
        user_id: &str,
        now: u64,
        lifetimes: Lifetimes,
    ) {
        let sid = ids.id();
        self.literals.insert(refresh_jwt.to_string(), sid.clone());
        self.live.insert(
            sid,
            Record {
                project_id: project_id.to_string(),
                user_id: user_id.to_string(),
                current: refresh_jwt.to_string(),
                refresh_expiration: now + lifetimes.refresh,
                grant: Grant::default(),
            },
        );
    }

    /// The session `refresh_jwt` is the good refresh JWT of, for
    /// `project_id`, now; Descope's 401 otherwise.
    fn find(
        &self,
        keys: &KeyRing,
        refresh_jwt: &str,
        project_id: &str,
        now: u64,
    ) -> Result<(String, &Record), Refusal> {
        let refused = |why: &str| Refusal::new(401, BAD_REFRESH, why);
        let (sid, presented) = match keys.verified_claims(refresh_jwt, now) {
            Some(claims) => {
                let text = |name: &str| {
                    claims
                        .get(name)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string()
                };
                if text("drn") != REFRESH_DRN {
                    return Err(refused("The token is not a refresh JWT"));
                }
                if text("iss") != project_id {
                    return Err(refused("The refresh JWT is of another project"));
                }
                (text("sid"), text("jti"))
            }
            None => match self.literals.get(&refresh_jwt.to_string()) {
                Some(sid) => (sid.clone(), refresh_jwt.to_string()),
                None => {
                    return Err(refused(
                        "The refresh JWT is malformed, unknown or signed by a retired key",
                    ))
                }
            },
        };
        let record = self
            .live
            .get(&sid)
            .filter(|r| r.project_id == project_id)
            .ok_or_else(|| refused("The session was logged out"))?;
        if record.current != presented {
            return Err(refused("The refresh JWT was rotated out"));
        }
        if record.refresh_expiration <= now {
            return Err(refused("The refresh JWT expired"));
        }
        Ok((sid, record))
    }

    /// Whether `refresh_jwt` is a refresh JWT the fake signed for
    /// `project_id` with a key still in the key set, live or not: the
    /// credential check; each operation then applies the session's rules.
    pub(crate) fn signed_for(
        keys: &KeyRing,
        refresh_jwt: &str,
        project_id: &str,
        now: u64,
    ) -> bool {
        keys.verified_claims(refresh_jwt, now)
            .is_some_and(|claims| {
                claims.get("drn").and_then(Value::as_str) == Some(REFRESH_DRN)
                    && claims.get("iss").and_then(Value::as_str) == Some(project_id)
            })
    }

    /// Refuses a refresh JWT the fake signed that is no longer good
    /// (expired, logged out, rotated out); any other credential the
    /// credential check let through is left alone.
    pub(crate) fn check_in_use(
        &self,
        keys: &KeyRing,
        refresh_jwt: &str,
        project_id: &str,
        now: u64,
    ) -> Result<(), Refusal> {
        match keys.verified_claims(refresh_jwt, now) {
            Some(_) => self.find(keys, refresh_jwt, project_id, now).map(|_| ()),
            None => Ok(()),
        }
    }

    /// The user id of the session `refresh_jwt` belongs to.
    pub(crate) fn user_of(
        &self,
        keys: &KeyRing,
        refresh_jwt: &str,
        project_id: &str,
        now: u64,
    ) -> Result<String, Refusal> {
        Ok(self
            .find(keys, refresh_jwt, project_id, now)?
            .1
            .user_id
            .clone())
    }

    /// A new session JWT for the session `refresh_jwt` belongs to, and, with
    /// `rotate`, a new refresh JWT that replaces it (the one presented stops
    /// working at once). `user` is the session's user as kept now.
    pub(crate) fn refresh(
        &mut self,
        issuer: &Issuer,
        refresh_jwt: &str,
        project_id: &str,
        user: impl FnOnce(&str) -> Option<User>,
        rotate: bool,
    ) -> Result<(Issued, String), Refusal> {
        let (sid, record) = self.find(issuer.keys, refresh_jwt, project_id, issuer.now)?;
        let record = record.clone();
        let user = user(&record.user_id)
            .ok_or_else(|| Refusal::new(401, BAD_REFRESH, "The session's user is gone"))?;
        let session_expiration = issuer.now + issuer.lifetimes.session;
        let session_jwt =
            issuer.session_jwt(project_id, &user, &sid, &record.grant, session_expiration);
        let mut refresh_expiration = record.refresh_expiration;
        let refresh_jwt = rotate.then(|| {
            let jti = issuer.ids.id();
            refresh_expiration = issuer.now + issuer.lifetimes.refresh;
            let jwt = issuer.refresh_jwt(project_id, &user.user_id, &sid, &jti, refresh_expiration);
            if let Some(kept) = self.live.get_mut(&sid) {
                kept.current = jti;
                kept.refresh_expiration = refresh_expiration;
            }
            jwt
        });
        let issued = Issued {
            session_jwt,
            refresh_jwt,
            session_expiration,
            refresh_expiration,
        };
        Ok((issued, record.user_id))
    }

    /// Ends the session `refresh_jwt` belongs to, or with `all_devices`
    /// every session of its user in the project. A rotated-out refresh JWT
    /// of a live session ends it too: no token of it stays usable.
    pub(crate) fn logout(
        &mut self,
        keys: &KeyRing,
        refresh_jwt: &str,
        project_id: &str,
        now: u64,
        all_devices: bool,
    ) -> Result<(), Refusal> {
        let sid = match self.find(keys, refresh_jwt, project_id, now) {
            Ok((sid, _)) => sid,
            Err(refusal) => {
                // A rotated-out JWT of a live session still names it.
                let claims = keys
                    .verified_claims(refresh_jwt, now)
                    .ok_or(refusal.clone())?;
                let sid = claims
                    .get("sid")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let live = claims.get("iss").and_then(Value::as_str) == Some(project_id)
                    && claims.get("drn").and_then(Value::as_str) == Some(REFRESH_DRN)
                    && self
                        .live
                        .get(&sid)
                        .is_some_and(|r| r.project_id == project_id);
                if !live {
                    return Err(refusal);
                }
                sid
            }
        };
        let record = self.live.remove(&sid).expect("found above");
        if all_devices {
            self.live
                .retain(|_, r| !(r.user_id == record.user_id && r.project_id == project_id));
        }
        Ok(())
    }

    /// How many sessions are kept.
    pub(crate) fn len(&self) -> usize {
        self.live.len()
    }

    /// How many sessions the bound ended.
    pub(crate) fn dropped(&self) -> u64 {
        self.live.dropped()
    }
}
