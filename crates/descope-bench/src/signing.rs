//! What signing a session costs fake-descope, RS256 (as Descope) against
//! ES256: sessions minted per second (each signs a session and a refresh
//! JWT), the two algorithms in alternating rounds of one run.

use std::time::{Duration, Instant};

use fake_descope::{FakeDescope, Project, Signing};

const PROJECT: &str = "P2aAc4T2V93bddihGEx2Ryhc8e5Z";

/// Sessions per second with `signing`, minted for `window`.
async fn rate(fake: &FakeDescope, window: Duration) -> f64 {
    let start = Instant::now();
    let mut minted = 0u64;
    while start.elapsed() < window {
        let _ = fake.session_for("ada@example.com").issue();
        minted += 1;
    }
    minted as f64 / start.elapsed().as_secs_f64()
}

/// Prints one `SIGNING` line per algorithm (median of `rounds` rounds of
/// `window` each) and the ratio.
pub fn measure(rounds: usize, window: Duration) -> Result<(), String> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let start = |signing| {
            FakeDescope::builder()
                .project(Project::new(PROJECT))
                .signing(signing)
                .start()
        };
        // Starting a fake makes no key: the first of a process parses one
        // of the built-in RSA keys, later ones share it.
        let mut starts = Vec::new();
        for _ in 0..3 {
            let began = Instant::now();
            let fake = start(Signing::Rs256).await;
            starts.push(began.elapsed());
            drop(fake);
        }
        println!(
            "SIGNING start rs256: first fake {:.2}ms, then {:.2}ms, {:.2}ms",
            starts[0].as_secs_f64() * 1e3,
            starts[1].as_secs_f64() * 1e3,
            starts[2].as_secs_f64() * 1e3
        );
        let fakes = [start(Signing::Rs256).await, start(Signing::Es256).await];
        let mut rates = [Vec::new(), Vec::new()];
        for _ in 0..rounds {
            for (fake, rates) in fakes.iter().zip(rates.iter_mut()) {
                rates.push(rate(fake, window).await);
            }
        }
        let medians: Vec<f64> = rates
            .iter_mut()
            .map(|r| {
                r.sort_by(f64::total_cmp);
                r[r.len() / 2]
            })
            .collect();
        for (signing, median) in [Signing::Rs256, Signing::Es256].iter().zip(&medians) {
            println!(
                "SIGNING {} sessions/s={median:.0} per-session={:.1}us",
                signing.name(),
                1e6 / median
            );
        }
        println!(
            "SIGNING ratio es256/rs256 sessions/s={:.2}",
            medians[1] / medians[0]
        );
        Ok(())
    })
}
