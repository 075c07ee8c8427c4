//! The license handshake: the project's rate-limit tier, read once with the
//! management key and sent back as `x-descope-license` on every management
//! request, as Descope's official SDKs do. Without the header Descope puts
//! management requests in the lowest rate-limit bucket.
//!
//! The handshake never fails a call: when it fails, times out or answers no
//! tier, the call goes on without the header, the failure is logged, and the
//! handshake is tried again only after [`RETRY_AFTER_FAILURE`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use descope_spec::{Credential, Operation};
use reqwest::header::{HeaderName, HeaderValue};
use tokio::time::Instant;

use crate::client::{Deadline, DescopeClient};
use crate::error::Error;

/// The header management requests carry the tier in.
pub(crate) const LICENSE_HEADER: HeaderName = HeaderName::from_static("x-descope-license");

/// The longest a handshake may take (less when the request timeout is
/// shorter): a license endpoint that hangs holds a call no longer than this.
pub(crate) const LICENSE_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(3);

/// How long after a failed handshake calls go without the header before
/// the handshake is tried again.
pub(crate) const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(60);

/// Whether requests of `operation` carry the tier: every management
/// operation but the handshake itself, which Descope does not ask it of.
pub(crate) fn carries_license(operation: Operation) -> bool {
    operation.credential() == Some(Credential::ProjectManagementKey)
        && operation != Operation::GetLicense
}

/// What a client knows of its project's tier; shared by all its clones.
#[derive(Default)]
pub(crate) struct LicenseCache {
    state: Mutex<State>,
    /// Held while a handshake runs, so that concurrent first calls share it.
    running: tokio::sync::Mutex<()>,
}

#[derive(Default, Clone)]
enum State {
    #[default]
    Unknown,
    Tier(HeaderValue),
    FailedAt(Instant),
}

impl LicenseCache {
    /// The tier as the header value, when a handshake has given one.
    pub(crate) fn tier(&self) -> Option<HeaderValue> {
        match self.state() {
            State::Tier(tier) => Some(tier),
            _ => None,
        }
    }

    /// Keeps `tier` for the client's life: every tier read, by the
    /// handshake or by [`DescopeClient::license`], is remembered.
    pub(crate) fn remember(&self, tier: HeaderValue) {
        self.set(State::Tier(tier));
    }

    /// `Some` when no handshake is to be made now: the tier, or `None` in
    /// the back-off after a failure. The path of every call but the first.
    pub(crate) fn settled(&self) -> Option<Option<HeaderValue>> {
        match self.state() {
            State::Unknown => None,
            State::Tier(tier) => Some(Some(tier)),
            State::FailedAt(at) if at.elapsed() < RETRY_AFTER_FAILURE => Some(None),
            State::FailedAt(_) => None,
        }
    }

    /// The tier for a management call of `client` that found nothing
    /// [`settled`](Self::settled): the outcome of a handshake made now (or
    /// of the one another call is making), bounded by
    /// [`LICENSE_HANDSHAKE_TIMEOUT`] and by the call's `deadline`. `None`
    /// when there is no tier to send.
    ///
    /// Boxed: the handshake is a call, whose set-up comes back here for
    /// other operations, and a cycle of async calls needs a box to have a
    /// type (and to be known `Send`).
    pub(crate) fn handshake<'a>(
        &'a self,
        client: &'a DescopeClient,
        deadline: Option<Deadline>,
    ) -> Pin<Box<dyn Future<Output = Option<HeaderValue>> + Send + 'a>> {
        Box::pin(async move {
            let _running = self.running.lock().await;
            // Another call may have finished a handshake while this one waited.
            if let Some(known) = self.settled() {
                return known;
            }
            // One bound, the earlier of the handshake's own and the call's,
            // given to the handshake's call itself: no second timer to race.
            let own =
                Deadline::after(LICENSE_HANDSHAKE_TIMEOUT.min(client.shared().request_timeout));
            let (until, cut_by_call) = match deadline {
                Some(call) if call.at < own.at => (call, true),
                _ => (own, false),
            };
            match client.management().license().send_by(Some(until)).await {
                Ok(license) => {
                    tracing::debug!("license handshake done");
                    Some(license.header_value())
                }
                // The call's operation timeout cut the handshake short: not
                // the license endpoint's fault, so the next call tries again.
                Err(error) if cut_by_call && error.is_operation_timeout() => None,
                Err(error) => {
                    self.failed(&error);
                    None
                }
            }
        })
    }

    fn failed(&self, why: &Error) {
        // The error is this crate's, scrubbed of secrets like any.
        tracing::warn!(
            error = %why,
            retry_in_s = RETRY_AFTER_FAILURE.as_secs(),
            "license handshake failed: management calls go without x-descope-license until it is tried again"
        );
        self.set(State::FailedAt(Instant::now()));
    }

    fn state(&self) -> State {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set(&self, state: State) {
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = state;
    }
}

impl fmt::Debug for LicenseCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state() {
            State::Unknown => "unknown".to_string(),
            State::Tier(tier) => format!("{tier:?}"),
            State::FailedAt(_) => "failed".to_string(),
        };
        f.write_str(&state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_is_backed_off_then_tried_again() {
        let cache = LicenseCache::default();
        assert_eq!(cache.settled(), None, "unknown: a handshake is due");
        cache.set(State::FailedAt(Instant::now()));
        assert_eq!(cache.settled(), Some(None), "just failed: go without");
        let long_ago = Instant::now()
            .checked_sub(RETRY_AFTER_FAILURE + Duration::from_secs(1))
            .expect("the clock is past the back-off");
        cache.set(State::FailedAt(long_ago));
        assert_eq!(cache.settled(), None, "backed off long enough: try again");
        let tier = HeaderValue::from_static("tier2");
        cache.remember(tier.clone());
        assert_eq!(cache.settled(), Some(Some(tier.clone())));
        assert_eq!(cache.tier(), Some(tier));
        assert_eq!(format!("{cache:?}"), "\"tier2\"");
    }

    #[test]
    fn management_operations_but_the_handshake_carry_the_tier() {
        assert!(carries_license(Operation::EmbeddedLinkSignin));
        assert!(!carries_license(Operation::GetLicense));
        assert!(!carries_license(Operation::UpdateUserPhoneMagicLinkSms));
    }
}
