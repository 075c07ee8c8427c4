//! The fake's clock: the system's, moved by what a test advances, or fixed
//! at a time the test chose. Every expiry the fake keeps (link tokens,
//! session and refresh JWTs, a rotated key's grace) reads it, so a test
//! reaches an expiry without sleeping.

use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The fake's time.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    state: Mutex<ClockState>,
}

#[derive(Debug, Default, Clone, Copy)]
struct ClockState {
    /// Fixed here (seconds since the epoch) when set; else the system's time.
    fixed: Option<u64>,
    /// What tests advanced the clock by, in seconds.
    advanced: u64,
}

impl Clock {
    /// The system's clock, or one fixed at `at`.
    pub(crate) fn new(at: Option<SystemTime>) -> Clock {
        Clock {
            state: Mutex::new(ClockState {
                fixed: at.map(unix_secs),
                advanced: 0,
            }),
        }
    }

    fn read(&self) -> ClockState {
        *self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Now, in whole seconds since the Unix epoch.
    pub(crate) fn now(&self) -> u64 {
        let state = self.read();
        state
            .fixed
            .unwrap_or_else(|| unix_secs(SystemTime::now()))
            .saturating_add(state.advanced)
    }

    /// Now, as a time.
    pub(crate) fn time(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.now())
    }

    /// Moves the clock on by `by` (whole seconds; the rest is dropped).
    pub(crate) fn advance(&self, by: Duration) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.advanced = state.advanced.saturating_add(by.as_secs());
    }
}

/// Whole seconds since the epoch (0 before it).
pub(crate) fn unix_secs(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_moves_only_when_advanced() {
        let clock = Clock::new(Some(UNIX_EPOCH + Duration::from_secs(1_000)));
        assert_eq!(clock.now(), 1_000);
        clock.advance(Duration::from_millis(90_500));
        assert_eq!(clock.now(), 1_090);
        assert_eq!(clock.time(), UNIX_EPOCH + Duration::from_secs(1_090));
        let real = Clock::new(None);
        let before = real.now();
        real.advance(Duration::from_secs(3_600));
        assert!(real.now() >= before + 3_600);
    }
}
