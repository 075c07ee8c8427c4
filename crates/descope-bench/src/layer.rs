//! What descope-axum's session layer costs a request: the example
//! service's kind of protected route (`GET /me`), served by axum on
//! loopback, with and without the layer (keys cached, a valid RS256 session
//! JWT as `Authorization: Bearer`), loaded by the same keep-alive clients in
//! alternating rounds of one run.

use std::time::{Duration, Instant};

use axum::routing::get;
use axum::Router;
use descope_axum::{Session, SessionLayer};
use descope_ergonomic::DescopeClient;
use fake_descope::{FakeDescope, Project};

const PROJECT: &str = "P2aAc4T2V93bddihGEx2Ryhc8e5Z";

/// How many requests the clients keep in flight.
const CONCURRENCY: usize = 16;

async fn serve(app: Router) -> Result<String, String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let url = format!(
        "http://{}/me",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(url)
}

/// Requests per second to `url` for `window`, `CONCURRENCY` at a time.
async fn rate(
    http: &reqwest::Client,
    url: &str,
    jwt: &str,
    window: Duration,
) -> Result<f64, String> {
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..CONCURRENCY {
        let (http, url, jwt) = (http.clone(), url.to_string(), jwt.to_string());
        tasks.spawn(async move {
            let mut done = 0u64;
            while start.elapsed() < window {
                let response = http.get(&url).bearer_auth(&jwt).send().await;
                match response {
                    Ok(r) if r.status().is_success() => done += 1,
                    Ok(r) => return Err(format!("{url}: {}", r.status())),
                    Err(e) => return Err(e.to_string()),
                }
            }
            Ok(done)
        });
    }
    let mut total = 0;
    for done in tasks.join_all().await {
        total += done?;
    }
    Ok(total as f64 / start.elapsed().as_secs_f64())
}

/// Prints `LAYER` lines: each route's median requests per second over
/// `rounds` rounds of `window`, the ratio, and the layer's cost per request.
pub fn measure(rounds: usize, window: Duration) -> Result<(), String> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let fake = FakeDescope::builder()
            .project(Project::new(PROJECT))
            .session_lifetime(Duration::from_secs(3600))
            .start()
            .await;
        let jwt = fake.session_for("ada@example.com").issue().session_jwt;
        let client = DescopeClient::builder()
            .project_id(PROJECT)
            .base_url(fake.base_url())
            .build()
            .map_err(|e| e.to_string())?;
        let validator = client.session_validator();
        validator.validate(&jwt).await.map_err(|e| e.to_string())?;
        let bare = serve(Router::new().route("/me", get(|| async { "ada" }))).await?;
        let layered = serve(
            Router::new()
                .route("/me", get(|session: Session| async move { session.user_id().len().to_string() }))
                .layer(SessionLayer::new(validator)),
        )
        .await?;
        let http = reqwest::Client::builder()
            .no_proxy()
            .pool_max_idle_per_host(CONCURRENCY)
            .build()
            .map_err(|e| e.to_string())?;
        // Warm both: connections, the key cache.
        rate(&http, &bare, &jwt, window / 4).await?;
        rate(&http, &layered, &jwt, window / 4).await?;
        let (mut without, mut with) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            without.push(rate(&http, &bare, &jwt, window).await?);
            with.push(rate(&http, &layered, &jwt, window).await?);
        }
        let median = |rates: &mut Vec<f64>| {
            rates.sort_by(f64::total_cmp);
            rates[rates.len() / 2]
        };
        let (without, with) = (median(&mut without), median(&mut with));
        println!(
            "LAYER GET /me on axum, loopback, {CONCURRENCY} in flight, median of {rounds} rounds of {:.1} s (client and server share the machine's cores)",
            window.as_secs_f64()
        );
        println!("LAYER without the layer rps={without:.0}");
        println!("LAYER with the session layer rps={with:.0}");
        println!(
            "LAYER cost per request={:.1}us (wall, at {CONCURRENCY} in flight)",
            (1.0 / with - 1.0 / without) * 1e6
        );
        println!("LAYER ratio with/without rps={:.3}", with / without);
        Ok(())
    })
}
