//! When a failed attempt is tried again, and how long to wait first.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use reqwest::StatusCode;

use crate::error::{Error, TransportErrorKind};

/// Which failures are retried and the waits between attempts.
///
/// The default retries what every official Descope SDK does: only HTTP 503,
/// 520, 521, 522, 524 and 530, at most three times, after waits of up to
/// 100 ms, 5 s and 5 s. A 429 is returned to the caller (with its
/// `Retry-After`) unless [`RetryPolicy::retry_rate_limited`] opts in.
/// Nothing else is retried: in particular not a transport failure, whose
/// request may have been processed.
///
/// Waits are jittered (unless [`with_jitter(false)`](Self::with_jitter)),
/// so that the clients of a fleet that failed together do not retry
/// together: a server-error wait is drawn evenly between half the
/// configured wait and all of it (never longer); a rate-limit wait between
/// what `Retry-After` says and a tenth more, never past `max_wait` and
/// never shorter than the server asked.
#[derive(Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    statuses: Vec<StatusCode>,
    waits: Vec<Duration>,
    rate_limited: Option<RateLimitRetry>,
    jitter: bool,
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
            jitter: true,
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
            jitter: true,
        }
    }

    /// Whether waits are jittered (the default) or taken exactly as configured.
    pub fn with_jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
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
            if wait > policy.max_wait {
                return None;
            }
            let spread = (wait / 10).min(policy.max_wait - wait);
            return Some(wait + self.jittered(spread));
        }
        if !self.retries_status(status) {
            return None;
        }
        let wait = *self.waits.get(retries.server as usize)?;
        Some(wait - self.jittered(wait / 2))
    }

    /// A random part of `spread`; none without jitter, so that the
    /// configured wait is taken as it is.
    fn jittered(&self, spread: Duration) -> Duration {
        if !self.jitter {
            return Duration::ZERO;
        }
        spread.mul_f64(random_fraction())
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
            .field("jitter", &self.jitter)
            .finish()
    }
}

/// A number drawn evenly from `[0, 1)`: std's per-process random hash keys,
/// fresh for each draw, which is random enough to spread retries.
fn random_fraction() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |t| t.subsec_nanos().into()),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
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
        let policy = RetryPolicy::default().with_jitter(false);
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
        let policy = RetryPolicy::none().with_jitter(false).retry_rate_limited(
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
    fn jitter_spreads_waits_within_their_bounds() {
        let policy = RetryPolicy::default().retry_rate_limited(
            1,
            Duration::from_secs(10),
            Duration::from_secs(3),
        );
        let ms = Duration::from_millis;
        let draws = |error: &Error, retries: RetryCount| -> Vec<Duration> {
            (0..200)
                .map(|_| policy.wait_before_retry(error, None, &retries).unwrap())
                .collect()
        };
        for (retries, full) in [(count(0, 0), ms(100)), (count(1, 0), ms(5000))] {
            let waits = draws(&api(503, None), retries);
            assert!(
                waits.iter().all(|w| *w >= full / 2 && *w <= full),
                "{waits:?}"
            );
            assert!(waits.iter().any(|w| *w != waits[0]), "no spread: {waits:?}");
        }
        // Never shorter than Retry-After, at most a tenth more, never past max_wait.
        let waits = draws(&api(429, Some(5)), count(0, 0));
        assert!(
            waits.iter().all(|w| *w >= ms(5000) && *w <= ms(5500)),
            "{waits:?}"
        );
        assert!(waits.iter().any(|w| *w != waits[0]), "no spread: {waits:?}");
        let waits = draws(&api(429, Some(10)), count(0, 0));
        assert!(waits.iter().all(|w| *w == ms(10_000)), "{waits:?}");
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
            "RetryPolicy { statuses: [503], waits: [5ms], rate_limited: None, jitter: true }"
        );
    }
}
