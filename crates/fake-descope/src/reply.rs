//! Scripted replies: what the fake answers to the next valid calls instead of
//! (or later than) its own answer.

use std::time::Duration;

use descope_spec::Operation;

use crate::refusal::{codes, description_of, Refusal};

/// A scripted reply, queued with [`FakeDescope::script`](crate::FakeDescope::script).
///
/// Scripts apply only to requests that pass every check (spec, content type,
/// credentials): a malformed request is always refused as Descope would, and
/// does not use a script up. Queued replies are used in order; each serves
/// [`times`](Reply::times) requests (once by default), of any operation or
/// only of the one named with [`on`](Reply::on).
///
/// ```
/// use std::time::Duration;
/// use descope_spec::Operation;
/// use fake_descope::Reply;
///
/// let burst = Reply::unavailable().times(3);
/// let slow = Reply::normal().after(Duration::from_millis(200));
/// let limited = Reply::rate_limited().retry_after(7).on(Operation::EmbeddedLinkSignin);
/// let custom = Reply::error(400, "E011003").message("The phone number cannot receive SMS");
/// # let _ = (burst, slow, limited, custom);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub(crate) refusal: Option<Refusal>,
    pub(crate) delay: Duration,
    pub(crate) times: usize,
    pub(crate) endpoint: Option<Operation>,
}

impl Reply {
    /// The fake's own answer (a success, or user-not-found), unchanged: with
    /// [`after`](Reply::after), a slow server.
    pub fn normal() -> Reply {
        Reply {
            refusal: None,
            delay: Duration::ZERO,
            times: 1,
            endpoint: None,
        }
    }

    /// An error with Descope's body: `status` (400 to 599) and `errorCode`.
    ///
    /// # Panics
    ///
    /// If `status` is not an error status: the spec declares no other
    /// answer than a success and 4XX/5XX errors.
    pub fn error(status: u16, code: impl Into<String>) -> Reply {
        assert!(
            (400..=599).contains(&status),
            "a scripted error needs a status from 400 to 599, not {status}"
        );
        let code = code.into();
        let description = description_of(status, &code).to_string();
        Reply {
            refusal: Some(Refusal {
                status,
                message: format!("{description} (scripted)"),
                description,
                code,
                retry_after: None,
            }),
            ..Reply::normal()
        }
    }

    /// HTTP 429 with `E130429` and no `Retry-After` (add one with
    /// [`retry_after`](Reply::retry_after)).
    pub fn rate_limited() -> Reply {
        Reply::error(429, codes::RATE_LIMITED).message("Rate limit exceeded, retry later")
    }

    /// HTTP 503 with `E000000`, which the clients retry.
    pub fn unavailable() -> Reply {
        Reply::error(503, codes::SERVER_ERROR).message("The service is unavailable")
    }

    /// HTTP 404 with `E062108`, whether the user is registered or not.
    pub fn user_not_found() -> Reply {
        Reply::error(404, codes::USER_NOT_FOUND).message("No user has this login id")
    }

    /// Sets `errorMessage` (ignored by [`Reply::normal`]).
    pub fn message(mut self, message: impl Into<String>) -> Reply {
        if let Some(refusal) = &mut self.refusal {
            refusal.message = message.into();
        }
        self
    }

    /// Sets `errorDescription` (ignored by [`Reply::normal`]).
    pub fn description(mut self, description: impl Into<String>) -> Reply {
        if let Some(refusal) = &mut self.refusal {
            refusal.description = description.into();
        }
        self
    }

    /// Sends `Retry-After: <secs>` (ignored by [`Reply::normal`]).
    pub fn retry_after(mut self, secs: u64) -> Reply {
        if let Some(refusal) = &mut self.refusal {
            refusal.retry_after = Some(secs);
        }
        self
    }

    /// Answers only after `delay`.
    pub fn after(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    /// Serves this many requests (a burst), instead of one.
    pub fn times(mut self, times: usize) -> Reply {
        self.times = times;
        self
    }

    /// Serves only requests to `operation`; others pass it by.
    pub fn on(mut self, operation: Operation) -> Reply {
        self.endpoint = Some(operation);
        self
    }

    /// Whether this reply serves a request to `operation`. A reply for any
    /// operation leaves the license handshake alone: a client makes that
    /// call on its own before the call a test scripts a failure for.
    pub(crate) fn serves(&self, operation: Operation) -> bool {
        match self.endpoint {
            Some(only) => only == operation,
            None => operation != Operation::GetLicense,
        }
    }
}
