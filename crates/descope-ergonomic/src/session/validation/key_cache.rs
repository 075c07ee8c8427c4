//! The project's keys, parsed once and shared by every validation: read
//! lock-free of I/O on the hot path, refetched by one fetch at a time.
//!
//! - **Snapshot.** The usable keys and what is known of their freshness
//!   sit in one immutable `Snapshot` behind a read-mostly lock; a
//!   validation clones its `Arc` and never waits on I/O.
//! - **Single flight.** A fetch runs under an async mutex. Whoever needs
//!   one looks at the snapshot's generation first; a validation that waited
//!   for the mutex and finds a newer generation uses it instead of fetching
//!   again. Validations the cached keys answer never touch the mutex.
//! - **Why a fetch starts.** No usable keys (never read, or read longer ago
//!   than the staleness bound): at once, then after failures with a back-off
//!   (1 s doubling, up to the cooldown). An unknown `kid` while keys are
//!   fresh: at most once per cooldown. Keys older than their TTL: in the
//!   background (a spawned task), the old keys answering meanwhile.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use super::crypto::VerifyingKey;
use super::error::{cut, SessionError};
use super::Clock;
use crate::client::DescopeClient;
use crate::error::Error;
use crate::session::KeySet;

/// The most keys kept from one key set (Descope's hold one or two); the
/// rest are ignored, so that a set cannot make lookups slow.
pub(crate) const MAX_KEYS: usize = 32;
/// The first wait after a failed fetch, doubled per further failure.
const FIRST_BACKOFF: Duration = Duration::from_secs(1);

/// How long keys are trusted, and how often they may be fetched.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timing {
    pub(crate) ttl: Duration,
    pub(crate) unknown_kid_cooldown: Duration,
    pub(crate) max_staleness: Duration,
}

/// What the cache knows at one moment. Replaced whole, never changed.
#[derive(Default)]
pub(crate) struct Snapshot {
    keys: Arc<[VerifyingKey]>,
    /// Counts every fetch attempt (and the keys given up front), so that a
    /// validation that waited can tell whether one happened meanwhile.
    generation: u64,
    /// When the keys were last read; `None` when never, or given up front.
    fetched_at: Option<SystemTime>,
    /// When the last fetch began, and what it failed with, if it did.
    attempted_at: Option<SystemTime>,
    last_error: Option<Arc<Error>>,
    failures: u32,
    /// When an unknown `kid` last made a fetch.
    kid_fetch_at: Option<SystemTime>,
}

/// Why a fetch is wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reason {
    /// No usable keys.
    NoKeys,
    /// A token names a `kid` the fresh keys do not have.
    UnknownKid,
    /// The keys are older than their TTL.
    Expired,
    /// The service asked (`SessionValidator::refresh_keys`).
    Asked,
}

/// Where the keys come from.
enum Source {
    /// `GET /v2/keys/<project>` through the client.
    Descope(DescopeClient),
    /// Given up front: never fetched, never stale.
    Fixed,
}

pub(crate) struct KeyCache {
    source: Source,
    timing: Timing,
    clock: Clock,
    snapshot: RwLock<Arc<Snapshot>>,
    flight: tokio::sync::Mutex<()>,
    /// Whether a background refresh is under way.
    refreshing: AtomicBool,
}

/// What the cache answers for a `kid` without fetching.
pub(crate) enum Cached {
    /// The key, in the snapshot holding it.
    Found(Arc<Snapshot>, usize),
    /// No such key, and the cached keys are usable: `UnknownKey` unless a
    /// fetch finds it.
    Unknown(Arc<Snapshot>),
    /// No usable keys at all.
    Unavailable(Arc<Snapshot>),
}

impl KeyCache {
    pub(crate) fn fetching(client: DescopeClient, timing: Timing, clock: Clock) -> Self {
        Self::new(Source::Descope(client), Snapshot::default(), timing, clock)
    }

    pub(crate) fn fixed(keys: Vec<VerifyingKey>, timing: Timing, clock: Clock) -> Self {
        let snapshot = Snapshot {
            keys: keys.into(),
            generation: 1,
            ..Snapshot::default()
        };
        Self::new(Source::Fixed, snapshot, timing, clock)
    }

    fn new(source: Source, snapshot: Snapshot, timing: Timing, clock: Clock) -> Self {
        KeyCache {
            source,
            timing,
            clock,
            snapshot: RwLock::new(Arc::new(snapshot)),
            flight: tokio::sync::Mutex::new(()),
            refreshing: AtomicBool::new(false),
        }
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        // A poisoned lock still holds a whole snapshot: it is only ever
        // replaced, never changed in place.
        self.snapshot
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    fn store(&self, snapshot: Snapshot) -> Arc<Snapshot> {
        let snapshot = Arc::new(snapshot);
        *self
            .snapshot
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = snapshot.clone();
        snapshot
    }

    /// Whether `snapshot`'s keys may be used at `now`.
    fn usable(&self, snapshot: &Snapshot, now: SystemTime) -> bool {
        match (&self.source, snapshot.fetched_at) {
            (Source::Fixed, _) => true,
            (Source::Descope(_), None) => false,
            (Source::Descope(_), Some(at)) => !passed(at, self.timing.max_staleness, now),
        }
    }

    /// The key `kid` names, from the cached keys alone.
    pub(crate) fn cached(&self, kid: &str, now: SystemTime) -> Cached {
        let snapshot = self.snapshot();
        if !self.usable(&snapshot, now) {
            return Cached::Unavailable(snapshot);
        }
        match snapshot.keys.iter().position(|key| key.kid() == kid) {
            Some(index) => Cached::Found(snapshot, index),
            None => Cached::Unknown(snapshot),
        }
    }

    /// The key `kid` names, fetching the key set when the rules allow
    /// (see the module's documentation); the snapshot holding it, or the
    /// error for its absence.
    pub(crate) async fn key(
        self: &Arc<Self>,
        kid: &str,
    ) -> Result<(Arc<Snapshot>, usize), SessionError> {
        let now = (self.clock)();
        let reason = match self.cached(kid, now) {
            Cached::Found(snapshot, index) => {
                self.refresh_in_background_if_due(&snapshot, now);
                return Ok((snapshot, index));
            }
            Cached::Unknown(snapshot) => {
                let allowed = matches!(self.source, Source::Descope(_))
                    && snapshot
                        .kid_fetch_at
                        .is_none_or(|at| passed(at, self.timing.unknown_kid_cooldown, now));
                if !allowed {
                    return Err(unknown(kid));
                }
                (snapshot, Reason::UnknownKid)
            }
            Cached::Unavailable(snapshot) => {
                if !self.may_retry(&snapshot, now) {
                    return Err(unavailable(&snapshot));
                }
                (snapshot, Reason::NoKeys)
            }
        };
        let (seen, reason) = reason;
        let snapshot = self.fetch(seen.generation, reason).await;
        let now = (self.clock)();
        if !self.usable(&snapshot, now) {
            return Err(unavailable(&snapshot));
        }
        match snapshot.keys.iter().position(|key| key.kid() == kid) {
            Some(index) => Ok((snapshot, index)),
            None => Err(unknown(kid)),
        }
    }

    /// Reads the key set now (sharing a fetch under way), whatever the
    /// cache holds; the error when it fails and no usable keys remain.
    pub(crate) async fn refresh(self: &Arc<Self>) -> Result<usize, SessionError> {
        if let Source::Fixed = self.source {
            return Ok(self.snapshot().keys.len());
        }
        let seen = self.snapshot().generation;
        let snapshot = self.fetch(seen, Reason::Asked).await;
        match &snapshot.last_error {
            Some(error) => Err(SessionError::KeysUnavailable {
                cause: Some(error.clone()),
            }),
            None => Ok(snapshot.keys.len()),
        }
    }

    /// Whether a fetch may be tried again after failures (the back-off).
    fn may_retry(&self, snapshot: &Snapshot, now: SystemTime) -> bool {
        match (&self.source, snapshot.attempted_at, snapshot.failures) {
            (Source::Fixed, _, _) => false,
            (_, None, _) | (_, _, 0) => true,
            (_, Some(at), failures) => passed(at, self.backoff(failures), now),
        }
    }

    fn backoff(&self, failures: u32) -> Duration {
        FIRST_BACKOFF
            .saturating_mul(1 << failures.saturating_sub(1).min(16))
            .min(self.timing.unknown_kid_cooldown.max(FIRST_BACKOFF))
    }

    /// Starts a refresh in a task of its own when the keys are older than
    /// their TTL, none is under way and the back-off allows: the cached
    /// keys keep answering meanwhile. Outside a tokio runtime, nothing.
    pub(crate) fn refresh_in_background_if_due(
        self: &Arc<Self>,
        snapshot: &Snapshot,
        now: SystemTime,
    ) {
        let due = matches!(self.source, Source::Descope(_))
            && snapshot
                .fetched_at
                .is_some_and(|at| passed(at, self.timing.ttl, now))
            && self.may_retry(snapshot, now);
        if !due || self.refreshing.swap(true, Ordering::AcqRel) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.refreshing.store(false, Ordering::Release);
            return;
        };
        let cache = self.clone();
        let generation = snapshot.generation;
        runtime.spawn(async move {
            cache.fetch(generation, Reason::Expired).await;
            cache.refreshing.store(false, Ordering::Release);
        });
    }

    /// Fetches the key set, unless a fetch has happened since the snapshot
    /// of generation `seen` (then that one's outcome is the answer). One at
    /// a time: the others wait here for it.
    async fn fetch(&self, seen: u64, reason: Reason) -> Arc<Snapshot> {
        let Source::Descope(client) = &self.source else {
            return self.snapshot();
        };
        let _flight = self.flight.lock().await;
        let before = self.snapshot();
        if before.generation != seen {
            return before;
        }
        let started = (self.clock)();
        tracing::debug!(?reason, "reading the project's signing keys");
        let result = client.sessions().keys().send().await;
        let mut next = Snapshot {
            keys: before.keys.clone(),
            generation: before.generation + 1,
            fetched_at: before.fetched_at,
            attempted_at: Some(started),
            last_error: None,
            failures: 0,
            kid_fetch_at: if reason == Reason::UnknownKid {
                Some(started)
            } else {
                before.kid_fetch_at
            },
        };
        match result {
            Ok(set) => {
                let keys = usable_keys(&set);
                tracing::debug!(
                    listed = set.len(),
                    usable = keys.len(),
                    "read the project's signing keys"
                );
                next.keys = keys.into();
                next.fetched_at = Some((self.clock)());
            }
            Err(error) => {
                tracing::warn!(%error, ?reason, "could not read the project's signing keys");
                next.last_error = Some(Arc::new(error));
                next.failures = before.failures.saturating_add(1);
            }
        }
        self.store(next)
    }
}

/// The keys of `set` this crate verifies with (see `crypto`), at most
/// [`MAX_KEYS`], each parsed once here.
pub(crate) fn usable_keys(set: &KeySet) -> Vec<VerifyingKey> {
    let mut keys: Vec<VerifyingKey> = Vec::new();
    for jwk in set.keys() {
        if keys.len() == MAX_KEYS {
            break;
        }
        match VerifyingKey::from_jwk(jwk) {
            // A second key of the same id would make the id ambiguous:
            // the first listed is kept (Descope lists the newest first).
            Some(key) if keys.iter().all(|k| k.kid() != key.kid()) => keys.push(key),
            Some(_) => {}
            None => tracing::debug!(
                kid = %cut(jwk.kid()),
                kty = %cut(jwk.kty()),
                "a key of the set is skipped: not one session JWTs can be checked with"
            ),
        }
    }
    keys
}

/// Whether `after` has passed since `since` at `now`. A clock that went
/// back before `since` counts as passed, so that a step back of the clock
/// costs at most one more fetch instead of holding keys (or a cooldown)
/// until the clock catches up.
fn passed(since: SystemTime, after: Duration, now: SystemTime) -> bool {
    match now.duration_since(since) {
        Ok(elapsed) => elapsed >= after,
        Err(_) => true,
    }
}

fn unknown(kid: &str) -> SessionError {
    SessionError::UnknownKey { kid: cut(kid) }
}

pub(crate) fn unavailable(snapshot: &Snapshot) -> SessionError {
    SessionError::KeysUnavailable {
        cause: snapshot.last_error.clone(),
    }
}

impl Snapshot {
    /// The key at `index` (from [`Cached::Found`] or [`KeyCache::key`]).
    pub(crate) fn at(&self, index: usize) -> &VerifyingKey {
        &self.keys[index]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(source: &str) -> KeyCache {
        let timing = Timing {
            ttl: Duration::from_secs(600),
            unknown_kid_cooldown: Duration::from_secs(30),
            max_staleness: Duration::from_secs(86_400),
        };
        let clock: Clock = Arc::new(SystemTime::now);
        match source {
            "fixed" => KeyCache::fixed(Vec::new(), timing, clock),
            _ => {
                let client = DescopeClient::builder()
                    .project_id("P2aAc4T2V93bddihGEx2Ryhc8e5Z")
                    .base_url("http://127.0.0.1:9")
                    .build()
                    .unwrap();
                KeyCache::fetching(client, timing, clock)
            }
        }
    }

    #[test]
    fn failed_fetches_back_off_doubling_up_to_the_cooldown() {
        let cache = cache("descope");
        let waits: Vec<u64> = [1, 2, 3, 5, 6, 40]
            .map(|n| cache.backoff(n).as_secs())
            .to_vec();
        assert_eq!(waits, [1, 2, 4, 16, 30, 30]);
        let now = SystemTime::now();
        let after = |secs: f64, failures: u32| Snapshot {
            attempted_at: Some(now - Duration::from_secs_f64(secs)),
            failures,
            ..Snapshot::default()
        };
        assert!(cache.may_retry(&after(0.0, 0), now), "no failure yet");
        assert!(cache.may_retry(&Snapshot::default(), now), "never tried");
        assert!(cache.may_retry(&after(1.5, 1), now));
        assert!(
            !cache.may_retry(&after(1.5, 2), now),
            "the second wait is 2 s"
        );
        assert!(cache.may_retry(&after(2.0, 2), now));
        assert!(
            !self::cache("fixed").may_retry(&after(99.0, 1), now),
            "keys given up front"
        );
    }

    /// A P-256 public key as a JWK, made here.
    #[cfg(feature = "validation-aws-lc")]
    fn ec_jwk(kid: &str) -> serde_json::Value {
        use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair as _, ECDSA_P256_SHA256_FIXED_SIGNING};
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine as _;
        let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap();
        let point = pair.public_key().as_ref().to_vec();
        serde_json::json!({"kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": kid,
            "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..])})
    }

    #[cfg(feature = "validation-aws-lc")]
    #[test]
    fn of_two_keys_with_one_kid_the_first_listed_is_kept() {
        let body = serde_json::json!({"keys": [ec_jwk("k1"), ec_jwk("k1"), ec_jwk("k2")]});
        let bytes = body.to_string();
        let wire = serde_json::from_value(body).unwrap();
        let set = KeySet::from_wire(wire, Some(bytes.as_bytes()));
        let kids: Vec<String> = usable_keys(&set)
            .iter()
            .map(|k| k.kid().to_string())
            .collect();
        assert_eq!(kids, ["k1", "k2"]);
    }
}
