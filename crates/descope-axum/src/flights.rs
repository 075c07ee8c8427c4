//! One refresh per refresh JWT at a time: requests that arrive together
//! with the same expired session (a page's parallel calls) share the first
//! one's refresh instead of each spending the refresh JWT, which a project
//! that rotates refresh JWTs would honour once and refuse after. The result
//! is kept a short while, for the requests sent before the browser had the
//! new cookies.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use descope_ergonomic::session::{SessionError, ValidSession};
use http::HeaderValue;
use tokio::sync::OnceCell;

/// How long a refresh's outcome answers the same refresh JWT again.
const KEPT: Duration = Duration::from_secs(30);
/// The most refreshes kept at once; past it, those done longest ago go.
const MAX_KEPT: usize = 10_000;

/// The session, and the `Set-Cookie` values that hand its refresh back.
pub(crate) type Outcome = Result<(ValidSession, Vec<HeaderValue>), Arc<SessionError>>;

struct Flight {
    started: Instant,
    outcome: Arc<OnceCell<Outcome>>,
}

/// The refreshes under way or just done, by refresh JWT.
#[derive(Default)]
pub(crate) struct Flights {
    flights: Mutex<HashMap<String, Flight>>,
}

impl Flights {
    /// The outcome of `refresh` for `refresh_jwt`, run once for every
    /// caller that comes with the same refresh JWT within [`KEPT`].
    pub(crate) async fn run<F, Fut>(&self, refresh_jwt: &str, refresh: F) -> Outcome
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<(ValidSession, Vec<HeaderValue>), SessionError>>,
    {
        let cell = {
            let mut flights = self.flights.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            if flights.len() >= MAX_KEPT {
                flights.retain(|_, f| now.duration_since(f.started) < KEPT);
            }
            if flights.len() >= MAX_KEPT {
                // All recent: the oldest goes (a later request refreshes alone).
                if let Some(oldest) = flights
                    .iter()
                    .min_by_key(|(_, f)| f.started)
                    .map(|(k, _)| k.clone())
                {
                    flights.remove(&oldest);
                }
            }
            let flight = flights
                .entry(refresh_jwt.to_string())
                .or_insert_with(|| Flight {
                    started: now,
                    outcome: Arc::default(),
                });
            if now.duration_since(flight.started) >= KEPT {
                *flight = Flight {
                    started: now,
                    outcome: Arc::default(),
                };
            }
            flight.outcome.clone()
        };
        let outcome = cell
            .get_or_init(|| async { refresh().await.map_err(Arc::new) })
            .await
            .clone();
        if outcome.is_err() {
            // A failure answers those that waited for it, not later requests.
            let mut flights = self.flights.lock().unwrap_or_else(|p| p.into_inner());
            if flights
                .get(refresh_jwt)
                .is_some_and(|f| Arc::ptr_eq(&f.outcome, &cell))
            {
                flights.remove(refresh_jwt);
            }
        }
        outcome
    }
}
