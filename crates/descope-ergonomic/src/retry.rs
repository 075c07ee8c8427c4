//! When a failed attempt is tried again, and how long to wait first.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use reqwest::StatusCode;

use crate::error::{Error, TransportErrorKind};

/// Which failures are retried and the waits between attempts.
///
/// The default is what every official Descope SDK does: retry only HTTP 503,
/// 520, 521, 522, 524 and 530, at most three times, waiting 100 ms, 5 s and
/// 5 s. A 429 is returned to the caller (with its `Retry-After`) unless
/// [`RetryPolicy::retry_rate_limited`] opts in. Nothing else is retried: in
/// particular not a transport failure, whose request may have been processed.
#[derive(Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    statuses: Vec<StatusCode>,
    waits: Vec<Duration>,
    rate_limited: Option<RateLimitRetry>,
}

/// The opt-in retry of HTTP 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RateLimitRetry {
    max_retries: u32,
    max_wait: Duration,
    fallback_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            statuses: [503, 520, 521, 522, 524, 530]
                .into_iter()
                .filter_map(|code| StatusCode::from_u16(code).ok())
                .collect(),
            waits: vec![
                Duration::from_millis(100),
                Duration::from_secs(5),
                Duration::from_secs(5),
            ],
            rate_limited: None,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self {
            statuses: Vec::new(),
            waits: Vec::new(),
            rate_limited: None,
        }
    }

    /// Retry these statuses instead of the default set.
    pub fn with_statuses(mut self, statuses: impl IntoIterator<Item = StatusCode>) -> Self {
        self.statuses = statuses.into_iter().collect();
        self
    }

    /// The waits before each retry; their count is the maximum number of retries.
    pub fn with_waits(mut self, waits: impl IntoIterator<Item = Duration>) -> Self {
        self.waits = waits.into_iter().collect();
        self
    }

    /// Also retry HTTP 429, at most `max_retries` times, waiting what
    /// `Retry-After` says (or `fallback_wait` when it is absent or malformed).
    /// A `Retry-After` longer than `max_wait` is not waited for: the 429 is
    /// returned at once.
    pub fn retry_rate_limited(
        mut self,
        max_retries: u32,
        max_wait: Duration,
        fallback_wait: Duration,
    ) -> Self {
        self.rate_limited = Some(RateLimitRetry {
            max_retries,
            max_wait,
            fallback_wait,
        });
        self
    }

    /// Whether a response with `status` is retried (while retries remain);
    /// HTTP 429 follows [`retry_rate_limited`](Self::retry_rate_limited) instead.
    pub fn retries_status(&self, status: StatusCode) -> bool {
        self.statuses.contains(&status)
    }

    /// The most attempts a call can make under this policy.
    pub fn max_attempts(&self) -> u32 {
        let rate_limited = self.rate_limited.map_or(0, |r| r.max_retries);
        u32::try_from(self.waits.len())
            .unwrap_or(u32::MAX)
            .saturating_add(1)
            .saturating_add(rate_limited)
    }

    /// How long to wait before trying again after `error`, given the retries
    /// already made for server errors and for rate limits; `None` to give up.
    ///
    /// `head_status` is the status of the response the attempt got, if any:
    /// a body cut off after a retried status (a 503 whose body never fully
    /// came) is retried like that status, since the server said it did not
    /// do the work; any other transport failure may have reached the server
    /// and is not sent again.
    pub(crate) fn wait_before_retry(
        &self,
        error: &Error,
        head_status: Option<StatusCode>,
        retries: &RetryCount,
    ) -> Option<Duration> {
        let status = match error {
            Error::Transport {
                kind: TransportErrorKind::Body,
                ..
            } => head_status?,
            _ => error.status()?,
        };
        if status == StatusCode::TOO_MANY_REQUESTS {
            let policy = self.rate_limited?;
            if retries.rate_limited >= policy.max_retries {
                return None;
            }
            let wait = error.retry_after().unwrap_or(policy.fallback_wait);
            return (wait <= policy.max_wait).then_some(wait);
        }
        if !self.retries_status(status) {
            return None;
        }
        self.waits.get(retries.server as usize).copied()
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field(
                "statuses",
                &self
                    .statuses
                    .iter()
                    .map(StatusCode::as_u16)
                    .collect::<Vec<_>>(),
            )
            .field("waits", &self.waits)
            .field("rate_limited", &self.rate_limited)
            .finish()
    }
}

/// Retries made so far in one call, by kind.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct RetryCount {
    pub(crate) server: u32,
    pub(crate) rate_limited: u32,
}

impl RetryCount {
    pub(crate) fn record(&mut self, error: &Error) {
        if error.is_rate_limited() {
            self.rate_limited += 1;
        } else {
            self.server += 1;
        }
    }
}

/// The future a [`Sleep`] returns.
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Waits between retries. The default uses tokio's timer; tests and callers
/// with their own clock can supply another.
pub trait Sleep: Send + Sync + fmt::Debug {
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> SleepFuture;
}

/// [`Sleep`] on tokio's timer.
#[derive(Debug, Default, Clone, Copy)]
pub struct TokioSleep;

impl Sleep for TokioSleep {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        Box::pin(tokio::time::sleep(duration))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;

    fn api(status: u16, retry_after: Option<u64>) -> Error {
        Error::Api(Box::new(ApiError {
            status: StatusCode::from_u16(status).unwrap(),
            code: "E000000".into(),
            description: None,
            message: None,
            retry_after: retry_after.map(Duration::from_secs),
        }))
    }

    fn count(server: u32, rate_limited: u32) -> RetryCount {
        RetryCount {
            server,
            rate_limited,
        }
    }

    #[test]
    fn server_errors_wait_their_turn_then_give_up() {
        let policy = RetryPolicy::default();
        let waits: Vec<Option<Duration>> = (0..4)
            .map(|server| policy.wait_before_retry(&api(503, None), None, &count(server, 0)))
            .collect();
        let ms = Duration::from_millis;
        assert_eq!(waits, [Some(ms(100)), Some(ms(5000)), Some(ms(5000)), None]);
        for status in [520, 521, 522, 524, 530] {
            assert!(policy.retries_status(StatusCode::from_u16(status).unwrap()));
            let wait = policy.wait_before_retry(&api(status, None), None, &count(0, 0));
            assert_eq!(wait, Some(ms(100)), "{status}");
        }
        for status in [400, 401, 404, 500, 502, 504, 429] {
            let wait = policy.wait_before_retry(&api(status, Some(1)), None, &count(0, 0));
            assert_eq!(wait, None, "{status}");
        }
        assert_eq!(policy.max_attempts(), 4);
        assert_eq!(RetryPolicy::none().max_attempts(), 1);
        let none = RetryPolicy::none().wait_before_retry(&api(503, None), None, &count(0, 0));
        assert_eq!(none, None);
    }

    #[test]
    fn rate_limits_are_retried_only_when_asked_within_bounds() {
        let policy = RetryPolicy::none().retry_rate_limited(
            2,
            Duration::from_secs(10),
            Duration::from_secs(3),
        );
        assert_eq!(policy.max_attempts(), 3);
        let wait = |error: &Error, retries| policy.wait_before_retry(error, None, &retries);
        assert_eq!(
            wait(&api(429, Some(7)), count(0, 0)),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            wait(&api(429, Some(10)), count(0, 1)),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            wait(&api(429, None), count(5, 1)),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            wait(&api(429, Some(11)), count(0, 0)),
            None,
            "past max_wait"
        );
        assert_eq!(
            wait(&api(429, Some(1)), count(0, 2)),
            None,
            "no retries left"
        );
        // A proxy's page that is not a Descope error keeps its Retry-After.
        let page = Error::MalformedResponse {
            status: StatusCode::TOO_MANY_REQUESTS,
            reason: "not JSON".into(),
            excerpt: None,
            retry_after: Some(Duration::from_secs(2)),
        };
        assert_eq!(wait(&page, count(0, 0)), Some(Duration::from_secs(2)));
    }

    #[test]
    fn retries_are_counted_by_kind() {
        let mut retries = RetryCount::default();
        retries.record(&api(503, None));
        retries.record(&api(429, None));
        retries.record(&api(520, None));
        retries.record(&api(429, None));
        retries.record(&api(429, None));
        assert_eq!((retries.server, retries.rate_limited), (2, 3));
    }

    #[test]
    fn the_policy_prints_its_settings() {
        let policy = RetryPolicy::none()
            .with_statuses([StatusCode::SERVICE_UNAVAILABLE])
            .with_waits([Duration::from_millis(5)]);
        assert_eq!(
            format!("{policy:?}"),
            "RetryPolicy { statuses: [503], waits: [5ms], rate_limited: None }"
        );
    }
}
