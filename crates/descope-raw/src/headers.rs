//! Response headers the spec declares, read once for every client.

use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// `Retry-After` as the spec declares it (`RetryAfter`: whole seconds, at
/// least 0). Descope never sends the HTTP-date form; anything that is not a
/// whole number of seconds is read as no header at all.
///
/// ```
/// use descope_raw::retry_after;
/// use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
///
/// let mut headers = HeaderMap::new();
/// headers.insert(RETRY_AFTER, HeaderValue::from_static(" 7 "));
/// assert_eq!(retry_after(&headers), Some(std::time::Duration::from_secs(7)));
/// headers.insert(RETRY_AFTER, HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"));
/// assert_eq!(retry_after(&headers), None);
/// ```
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}
