//! The state of the sign-in flow: tokens waiting to be verified, and the
//! messages the fake "sent". Both are bounded.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::bounded::{BoundedLog, BoundedMap, DEFAULT_MAX_KEPT};
use crate::clock::Clock;
use crate::ids::Ids;
use crate::refusal::Refusal;
use crate::session::Grant;

/// How long a token lives when its call gives no lifetime (or 0): the fake's
/// stand-in for the project setting.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(600);

/// The error code of a token that cannot be verified (unknown, used or expired).
pub(crate) const BAD_TOKEN: &str = "E061102";

/// What verifying a token does.
#[derive(Clone, Debug)]
pub(crate) enum Purpose {
    /// Signs `login_id` in, with what `grant` adds to the session JWT.
    SignIn {
        login_id: String,
        grant: Grant,
        first_seen: bool,
    },
    /// Makes `phone` the user's number (and a login id with `add_to_login_ids`).
    PhoneChange {
        login_id: String,
        phone: String,
        add_to_login_ids: bool,
    },
}

/// A token issued and not yet verified.
#[derive(Clone, Debug)]
pub(crate) struct Pending {
    pub(crate) project_id: String,
    pub(crate) purpose: Purpose,
    /// Seconds since the epoch, on the fake's clock.
    expires_at: u64,
}

/// The tokens waiting for verification, at most a bound of them: when
/// full, expired ones go before the oldest live one.
#[derive(Debug)]
pub(crate) struct Tokens {
    pending: BoundedMap<String, Pending>,
    /// No pending token expires before this (seconds on the fake's clock;
    /// it may be earlier than the true earliest, never later).
    earliest_expiry: u64,
    ids: Arc<Ids>,
    clock: Arc<Clock>,
}

impl Tokens {
    pub(crate) fn new(limit: usize, ids: Arc<Ids>, clock: Arc<Clock>) -> Self {
        Tokens {
            pending: BoundedMap::new(limit),
            earliest_expiry: u64::MAX,
            ids,
            clock,
        }
    }

    /// A fresh token for `purpose`, good once within `lifetime` (0: the default).
    pub(crate) fn issue(&mut self, project_id: &str, purpose: Purpose, lifetime: u64) -> String {
        let token = self.ids.id();
        self.insert(token.clone(), project_id, purpose, lifetime);
        token
    }

    /// Makes `token` a pending token (for setups that need a known one).
    pub(crate) fn insert(
        &mut self,
        token: String,
        project_id: &str,
        purpose: Purpose,
        lifetime: u64,
    ) {
        let lifetime = match lifetime {
            0 => DEFAULT_TOKEN_LIFETIME.as_secs(),
            secs => secs,
        };
        let now = self.clock.now();
        // A full map loses its expired tokens before its oldest live one. The
        // sweep is a pass over the map, so it runs only when a token may have
        // expired since the last one: at most once a second of the clock.
        if self.pending.len() >= self.pending.limit() && self.earliest_expiry <= now {
            let mut earliest = u64::MAX;
            self.pending.retain(|_, pending| {
                let live = pending.expires_at > now;
                if live {
                    earliest = earliest.min(pending.expires_at);
                }
                live
            });
            self.earliest_expiry = earliest;
        }
        let expires_at = now.saturating_add(lifetime);
        self.earliest_expiry = self.earliest_expiry.min(expires_at);
        let pending = Pending {
            project_id: project_id.to_string(),
            purpose,
            expires_at,
        };
        self.pending.insert(token, pending);
    }

    /// Uses `token` up: it verifies once, for the project that issued it,
    /// before it expires. Every failure is the same 401, as Descope's.
    pub(crate) fn take(&mut self, token: &str, project_id: &str) -> Result<Pending, Refusal> {
        let refused = |why: &str| Refusal::new(401, BAD_TOKEN, why);
        let key = token.to_string();
        // Another project's token is as unknown as one never issued.
        match self
            .pending
            .get(&key)
            .filter(|p| p.project_id == project_id)
        {
            None => Err(refused("The token is unknown or was already used")),
            Some(pending) if pending.expires_at <= self.clock.now() => {
                self.pending.remove(&key);
                Err(refused("The token expired"))
            }
            Some(_) => Ok(self.pending.remove(&key).expect("just seen")),
        }
    }

    /// How many tokens wait.
    pub(crate) fn len(&self) -> usize {
        self.pending.len()
    }

    /// How many tokens were dropped to keep within the bound.
    pub(crate) fn dropped(&self) -> u64 {
        self.pending.dropped()
    }
}

/// A message the fake "sent" instead of an SMS: what a test reads to follow
/// the link.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SentMessage {
    /// Its place among the messages: 1, 2, 3, ...
    pub seq: u64,
    /// The phone number it went to.
    pub to: String,
    /// The link it holds: `<URI>?t=<token>`.
    pub link: String,
    /// The token in the link, for `VerifyMagicLink`.
    pub token: String,
    /// The login id of the user it is about.
    pub login_id: String,
}

impl SentMessage {
    /// The message as JSON, for the control API: `{seq, to, link, token, loginId}`.
    pub fn to_json(&self) -> Value {
        json!({
            "seq": self.seq,
            "to": self.to,
            "link": self.link,
            "token": self.token,
            "loginId": self.login_id,
        })
    }
}

/// The messages sent, oldest first, bounded.
#[derive(Debug)]
pub(crate) struct Outbox {
    log: BoundedLog<SentMessage>,
}

impl Default for Outbox {
    fn default() -> Self {
        Outbox::new(DEFAULT_MAX_KEPT)
    }
}

impl Outbox {
    pub(crate) fn new(limit: usize) -> Self {
        Outbox {
            log: BoundedLog::new(limit),
        }
    }

    /// Sends `token` to `to` in a link to `uri`.
    pub(crate) fn send(&mut self, to: &str, uri: &str, token: &str, login_id: &str) {
        let joiner = if uri.contains('?') { '&' } else { '?' };
        self.log.push_numbered(|seq| SentMessage {
            seq,
            to: to.to_string(),
            link: format!("{uri}{joiner}t={token}"),
            token: token.to_string(),
            login_id: login_id.to_string(),
        });
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &SentMessage> {
        self.log.iter()
    }

    pub(crate) fn dropped(&self) -> u64 {
        self.log.dropped()
    }

    pub(crate) fn clear(&mut self) {
        self.log.clear();
    }
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    fn sign_in() -> Purpose {
        Purpose::SignIn {
            login_id: "ada@example.com".into(),
            grant: Grant::default(),
            first_seen: false,
        }
    }

    /// Tokens on a clock fixed at 1,000 s, which the test moves.
    fn tokens(limit: usize) -> Tokens {
        let clock = Clock::new(Some(UNIX_EPOCH + Duration::from_secs(1_000)));
        Tokens::new(limit, Arc::default(), Arc::new(clock))
    }

    #[test]
    fn a_token_verifies_once_for_its_project() {
        let mut tokens = tokens(DEFAULT_MAX_KEPT);
        let token = tokens.issue("P1", sign_in(), 0);
        assert_eq!(tokens.take(&token, "P2").unwrap_err().status, 401);
        assert!(tokens.take(&token, "P1").is_ok());
        let again = tokens.take(&token, "P1").unwrap_err();
        assert_eq!((again.status, again.code.as_str()), (401, BAD_TOKEN));
        assert_eq!(tokens.len(), 0);
    }

    #[test]
    fn a_token_expires_at_its_expiry_second_and_goes_when_met() {
        let mut tokens = tokens(DEFAULT_MAX_KEPT);
        tokens.insert("old".into(), "P1", sign_in(), 10);
        tokens.insert("new".into(), "P1", sign_in(), 11);
        tokens.clock.advance(Duration::from_secs(10));
        let expired = tokens.take("old", "P1").unwrap_err();
        assert_eq!(expired.message, "The token expired");
        assert_eq!(tokens.len(), 1, "the expired token went");
        assert!(tokens.take("new", "P1").is_ok(), "a second left");
    }

    #[test]
    fn messages_hold_the_link_and_are_bounded() {
        let mut outbox = Outbox::new(1);
        outbox.send("+1202", "https://app.example.com/v", "tok", "ada");
        outbox.send("+1202", "https://app.example.com/v?a=1", "tok2", "ada");
        let kept: Vec<&SentMessage> = outbox.iter().collect();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].link, "https://app.example.com/v?a=1&t=tok2");
        assert_eq!((kept[0].seq, outbox.dropped()), (2, 1));
        assert_eq!(kept[0].to_json()["loginId"], "ada");
    }
}
