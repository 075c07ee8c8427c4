//! Sleeps for the client's retries that do not wait: the tests of retries
//! run in milliseconds and still see every wait the policy asked for.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use descope_ergonomic::tooling::{Sleep, SleepFuture};
use tokio::sync::{mpsc, oneshot};

/// Sleeps that return at once and remember what they were asked.
#[derive(Debug, Default)]
pub struct RecordedSleeps(Mutex<Vec<Duration>>);

impl RecordedSleeps {
    /// The waits asked for so far, in order.
    pub fn taken(&self) -> Vec<Duration> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Sleep for RecordedSleeps {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(duration);
        Box::pin(async {})
    }
}

/// The receiving end of [`SteppedSleeps`]: each wait asked for, and the
/// sender that lets the retry go.
pub type Steps = mpsc::UnboundedReceiver<(Duration, oneshot::Sender<()>)>;

/// Sleeps that hand control to the test between attempts, so it can change
/// what the server answers next; the test releases the retry with the
/// sender it receives.
#[derive(Debug)]
pub struct SteppedSleeps(mpsc::UnboundedSender<(Duration, oneshot::Sender<()>)>);

impl SteppedSleeps {
    /// The sleeps, and where their waits arrive.
    pub fn new() -> (Arc<Self>, Steps) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Arc::new(Self(tx)), rx)
    }
}

impl Sleep for SteppedSleeps {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        let (go, wait) = oneshot::channel();
        let _ = self.0.send((duration, go));
        Box::pin(async move {
            let _ = wait.await;
        })
    }
}
