//! Validating Descope session JWTs (RS256, keys cached, one at a time on one
//! core): ours (`SessionValidator::validate_cached`) side by side with
//! Descope's official Node and Python SDKs and with the floor, the bare RS256
//! signature check with the same crypto backend (aws-lc-rs). Then a storm of
//! session JWTs with unknown `kid`s through `validate`, counting the key-set
//! fetches it causes. The output ends with the `VALIDATION` lines.
//!
//! Every contender validates the same session JWTs, minted by an in-process
//! fake-descope that also serves the key set to all of them. The SDKs run in
//! child processes started once (`sdk/node-validate.js`,
//! `sdk/python_validate.py`), installed at pinned versions under
//! `target/validation-bench/`; each round asks every contender for one
//! window, in an order that changes every round.

use std::future::Future;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::task::Poll;
use std::time::{Duration, Instant};

use aws_lc_rs::rsa::PublicKeyComponents;
use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use descope_ergonomic::session::{SessionValidator, DEFAULT_UNKNOWN_KID_COOLDOWN};
use descope_ergonomic::DescopeClient;
use fake_descope::{FakeDescope, Operation, Project, User};
use serde_json::Value;

use crate::stats;

/// The project the fake knows and every contender validates for.
pub const PROJECT: &str = "P2aAc4T2V93bddihGEx2Ryhc8e5Z";
/// `@descope/node-sdk`, as `crates/fake-descope-cli/sdk/run.sh` pins it.
pub const NODE_SDK_VERSION: &str = "2.13.0";
/// `descope` on PyPI, as `crates/fake-descope-cli/sdk/run.sh` pins it.
pub const PYTHON_SDK_VERSION: &str = "2.16.1";

/// How long and how often each contender is measured.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Measured rounds; each holds one window per contender.
    pub rounds: usize,
    /// Length of one measured window.
    pub window: Duration,
    /// One unmeasured window per contender before the first round (caches,
    /// the SDKs' JIT).
    pub warmup: Duration,
    /// Distinct session JWTs, validated in turn.
    pub tokens: usize,
    /// Session JWTs with unknown `kid`s sent through `validate` at the end.
    pub storm: usize,
    /// Whether the official SDKs are measured too (installs them).
    pub sdks: bool,
}

impl Plan {
    /// About a minute of measuring.
    pub const DEFAULT: Plan = Plan {
        rounds: 9,
        window: Duration::from_millis(1000),
        warmup: Duration::from_millis(1000),
        tokens: 64,
        storm: 10_000,
        sdks: true,
    };
    /// About 8 seconds of measuring.
    pub const QUICK: Plan = Plan {
        rounds: 3,
        window: Duration::from_millis(400),
        warmup: Duration::from_millis(400),
        tokens: 64,
        storm: 10_000,
        sdks: true,
    };
}

/// Who validates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contender {
    /// `descope_ergonomic::session::SessionValidator::validate_cached`.
    Ours,
    /// `ParsedPublicKey::verify_sig` over the signing input and signature.
    Floor,
    /// `@descope/node-sdk`'s `validateSession`.
    NodeSdk,
    /// `descope`'s (Python) `validate_session`.
    PythonSdk,
}

impl Contender {
    /// The name in the table and the `VALIDATION` lines.
    pub fn label(self) -> &'static str {
        match self {
            Contender::Ours => "ours",
            Contender::Floor => "floor",
            Contender::NodeSdk => "node-sdk",
            Contender::PythonSdk => "python-sdk",
        }
    }
}

/// What one window of one contender measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    /// Session JWTs validated (every one of them successfully).
    pub validations: u64,
    /// Wall time of the window.
    pub wall: Duration,
    /// CPU time over the window, where known (see [`Figures::cpu_note`]).
    pub cpu: Option<Duration>,
}

impl Window {
    /// Validations per second of wall time.
    pub fn per_sec(&self) -> f64 {
        self.validations as f64 / self.wall.as_secs_f64()
    }

    /// CPU time per validation in microseconds (wall time where the CPU
    /// time is unknown).
    pub fn cpu_us_per_token(&self) -> f64 {
        let spent = self.cpu.unwrap_or(self.wall);
        spent.as_secs_f64() * 1e6 / self.validations.max(1) as f64
    }
}

/// The key-fetch storm: session JWTs whose `kid` the key set does not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Storm {
    /// Session JWTs sent through `validate`.
    pub tokens: usize,
    /// How many of them were refused (all, if it went right).
    pub refused: usize,
    /// `GetKeysV2` requests the fake received during the storm.
    pub fetches: usize,
    /// From the first validation's start to the last one's end.
    pub elapsed: Duration,
    /// The validator's cooldown between fetches for an unknown `kid`.
    pub cooldown: Duration,
}

impl Storm {
    /// The most fetches the goal allows: one per cooldown begun.
    pub fn allowed(&self) -> usize {
        let cooldown = self.cooldown.as_secs_f64().max(1e-9);
        1 + (self.elapsed.as_secs_f64() / cooldown).floor() as usize
    }
}

/// Everything one run measured.
#[derive(Debug, Clone)]
pub struct Figures {
    /// Each contender with what it is (versions), in table order.
    pub contenders: Vec<(Contender, String)>,
    /// One entry per round: each contender's window, in table order.
    pub rounds: Vec<Vec<Window>>,
    /// Length of a window.
    pub window: Duration,
    /// Distinct session JWTs validated in turn.
    pub tokens: usize,
    /// The storm at the end.
    pub storm: Storm,
}

impl Figures {
    /// How the CPU time of each contender is read.
    pub fn cpu_note(&self) -> String {
        let mut parts = vec![String::from(
            "ours and the floor, the measuring thread's on-CPU time \
             (/proc/thread-self/schedstat; wall time where it is missing)",
        )];
        for (contender, _) in &self.contenders {
            match contender {
                Contender::NodeSdk => parts.push(
                    "node-sdk, process.cpuUsage() (user + system, all the process's threads)"
                        .into(),
                ),
                Contender::PythonSdk => parts.push("python-sdk, time.process_time()".into()),
                Contender::Ours | Contender::Floor => {}
            }
        }
        parts.join("; ")
    }

    fn windows(&self, contender: Contender) -> Vec<Window> {
        let Some(at) = self.contenders.iter().position(|(c, _)| *c == contender) else {
            return Vec::new();
        };
        self.rounds.iter().map(|round| round[at]).collect()
    }

    fn measured(&self, contender: Contender) -> bool {
        self.contenders.iter().any(|(c, _)| *c == contender)
    }

    /// The median over rounds of ours' validations/s divided by `other`'s in
    /// the same round.
    pub fn rate_ratio(&self, other: Contender) -> f64 {
        self.rate_ratio_of(Contender::Ours, other)
    }

    /// The median over rounds of `one`'s validations/s divided by `other`'s
    /// in the same round.
    pub fn rate_ratio_of(&self, one: Contender, other: Contender) -> f64 {
        let ones = self.windows(one);
        let others = self.windows(other);
        stats::median(
            ones.iter()
                .zip(&others)
                .map(|(one, other)| one.per_sec() / other.per_sec()),
        )
    }

    /// The median over rounds of ours' CPU per token divided by the floor's
    /// in the same round.
    pub fn cpu_ratio_to_floor(&self) -> f64 {
        let ours = self.windows(Contender::Ours);
        let floor = self.windows(Contender::Floor);
        stats::median(
            ours.iter()
                .zip(&floor)
                .map(|(ours, floor)| ours.cpu_us_per_token() / floor.cpu_us_per_token()),
        )
    }
}

/// Measures as `plan` says and prints the report.
pub fn measure(plan: Plan) -> Result<(), String> {
    let figures = run(plan)?;
    print!("{}", render(&figures));
    Ok(())
}

/// Measures as `plan` says.
pub fn run(plan: Plan) -> Result<Figures, String> {
    if plan.rounds == 0 || plan.tokens == 0 {
        return Err("validation: at least one round and one token".into());
    }
    let sdks = if plan.sdks { Some(install()?) } else { None };
    // The fake serves on the runtime's one worker; ours and the floor are
    // measured on this thread, outside the runtime.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("fake-descope")
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    let fake = runtime.block_on(
        FakeDescope::builder()
            .project(Project::new(PROJECT))
            // Every request of the storm is kept, so that none is missed.
            .max_received(4 * plan.storm + 1_000)
            .start(),
    );
    let (tokens, user_id) = mint(&fake, plan.tokens);
    let floor = Floor::new(&fake, &tokens)?;

    let client = DescopeClient::builder()
        .project_id(PROJECT)
        .base_url(fake.base_url())
        .build()
        .map_err(|e| format!("client: {e}"))?;
    let validator = client.session_validator();
    // Fetches the key set once and caches it; every token must validate,
    // as the user it was minted for.
    for token in &tokens {
        let session = runtime
            .block_on(validator.validate(token))
            .map_err(|e| format!("ours: a session JWT of the fake does not validate: {e}"))?;
        if session.user_id() != user_id {
            return Err(format!(
                "ours: validate answered user {}",
                session.user_id()
            ));
        }
    }

    let mut contenders = vec![
        (
            Contender::Ours,
            "descope-ergonomic SessionValidator::validate_cached".to_string(),
        ),
        (
            Contender::Floor,
            "aws-lc-rs RSA_PKCS1_2048_8192_SHA256 verify_sig, key parsed once".to_string(),
        ),
    ];
    let mut children = Vec::new();
    if let Some(installed) = &sdks {
        let scratch = scratch_dir()?;
        let file = scratch.join("tokens.json");
        let given = serde_json::json!({"projectId": PROJECT, "userId": user_id, "tokens": tokens});
        std::fs::write(&file, given.to_string()).map_err(|e| format!("{}: {e}", file.display()))?;
        for (contender, command) in installed.commands(fake.base_url(), &file) {
            let child = SdkChild::start(contender, command)?;
            contenders.push((contender, child.describe.clone()));
            children.push(child);
        }
    }

    eprintln!(
        "validation: {} rounds of {:?} windows, {} contenders, {} distinct session JWTs, fake at {}",
        plan.rounds,
        plan.window,
        contenders.len(),
        tokens.len(),
        fake.base_url()
    );
    let mut window_of = |contender: Contender, length: Duration| -> Result<Window, String> {
        match contender {
            Contender::Ours => timed(&tokens, length, |token| {
                validator
                    .validate_cached(token)
                    .map(std::hint::black_box)
                    .map(drop)
                    .map_err(|e| format!("ours: {e}"))
            }),
            Contender::Floor => timed(&floor.signed, length, |signed| floor.verify(signed)),
            Contender::NodeSdk | Contender::PythonSdk => children
                .iter_mut()
                .find(|child| child.contender == contender)
                .ok_or_else(|| format!("{}: not started", contender.label()))?
                .window(length),
        }
    };
    if !plan.warmup.is_zero() {
        for (contender, _) in &contenders {
            window_of(*contender, plan.warmup)?;
        }
    }
    let mut rounds = Vec::with_capacity(plan.rounds);
    for round in 0..plan.rounds {
        let mut windows = vec![None; contenders.len()];
        for turn in 0..contenders.len() {
            let at = (round + turn) % contenders.len();
            windows[at] = Some(window_of(contenders[at].0, plan.window)?);
        }
        rounds.push(windows.into_iter().flatten().collect());
    }
    for child in children {
        child.finish()?;
    }

    let storm = runtime.block_on(storm(&fake, &validator, &tokens[0], plan.storm))?;
    Ok(Figures {
        contenders,
        rounds,
        window: plan.window,
        tokens: tokens.len(),
        storm,
    })
}

/// `count` distinct session JWTs of one user (with a tenant, roles and
/// permissions, as a service sees them), valid for an hour; and the user's id.
fn mint(fake: &FakeDescope, count: usize) -> (Vec<String>, String) {
    // Registered once: a session for a full `User` would register it anew,
    // under a new id.
    fake.add_user(User::new("ada@example.com").tenant("T1", ["admin"], ["billing.read"]));
    let mut user_id = String::new();
    let tokens = (0..count)
        .map(|_| {
            let session = fake
                .session_for("ada@example.com")
                .session_expires_in(Duration::from_secs(3600))
                .issue();
            user_id = session.user_id;
            session.session_jwt
        })
        .collect();
    (tokens, user_id)
}

/// Runs `check` over `items` in turn until `length` has passed (checked after
/// each pass over all of them), timing wall and this thread's CPU time.
fn timed<T>(
    items: &[T],
    length: Duration,
    mut check: impl FnMut(&T) -> Result<(), String>,
) -> Result<Window, String> {
    let cpu_before = thread_cpu_time();
    let start = Instant::now();
    let mut validations = 0u64;
    loop {
        for item in items {
            check(item)?;
        }
        validations += items.len() as u64;
        if start.elapsed() >= length {
            break;
        }
    }
    let wall = start.elapsed();
    let cpu = thread_cpu_time()
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    Ok(Window {
        validations,
        wall,
        cpu,
    })
}

/// This thread's on-CPU time from the scheduler's statistics; `None` where
/// `/proc/thread-self/schedstat` is missing.
fn thread_cpu_time() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// The floor: the fake's public key parsed once, and each token's signing
/// input and signature decoded beforehand.
struct Floor {
    key: ParsedPublicKey,
    signed: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Floor {
    fn new(fake: &FakeDescope, tokens: &[String]) -> Result<Floor, String> {
        let jwks = fake.jwks();
        let kid = header(&tokens[0])?
            .get("kid")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or("the fake's session JWT has no kid")?;
        let jwk = jwks["keys"]
            .as_array()
            .and_then(|keys| keys.iter().find(|key| key["kid"] == kid.as_str()))
            .ok_or_else(|| format!("the fake's key set has no key {kid}"))?;
        let member = |name: &str| -> Result<Vec<u8>, String> {
            let text = jwk[name]
                .as_str()
                .ok_or_else(|| format!("the fake's key has no {name}"))?;
            URL_SAFE_NO_PAD
                .decode(text)
                .map_err(|e| format!("the fake's key's {name}: {e}"))
        };
        let components = PublicKeyComponents {
            n: member("n")?,
            e: member("e")?,
        };
        let key = components
            .to_parsed_public_key(&RSA_PKCS1_2048_8192_SHA256)
            .map_err(|e| format!("the fake's key does not parse: {e}"))?;
        let signed = tokens
            .iter()
            .map(|token| {
                let (input, signature) = token
                    .rsplit_once('.')
                    .ok_or("a session JWT without a signature")?;
                let signature = URL_SAFE_NO_PAD
                    .decode(signature)
                    .map_err(|e| format!("a session JWT's signature: {e}"))?;
                Ok((input.as_bytes().to_vec(), signature))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let floor = Floor { key, signed };
        for signed in &floor.signed {
            floor.verify(signed)?;
        }
        Ok(floor)
    }

    fn verify(&self, (input, signature): &(Vec<u8>, Vec<u8>)) -> Result<(), String> {
        self.key
            .verify_sig(input, signature)
            .map_err(|_| "floor: a signature of the fake does not verify".to_string())
    }
}

/// The decoded JOSE header of a JWT.
fn header(jwt: &str) -> Result<serde_json::Map<String, Value>, String> {
    let encoded = jwt.split('.').next().unwrap_or_default();
    let bytes = URL_SAFE_NO_PAD
        .decode(encoded)
        .map_err(|e| format!("a JWT's header: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("a JWT's header: {e}"))
}

/// Sends `count` copies of `token`, each with a random `kid` the key set does
/// not hold (the signature no longer matters), through `validate`, all at once
/// (on one task), and counts the key-set fetches the fake received meanwhile.
async fn storm(
    fake: &FakeDescope,
    validator: &SessionValidator,
    token: &str,
    count: usize,
) -> Result<Storm, String> {
    let mut header = header(token)?;
    let (_, rest) = token.split_once('.').ok_or("a JWT without a header")?;
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0x9e37_79b9_7f4a_7c15, |d| d.as_nanos() as u64)
        | 1;
    let mut random = move || {
        // xorshift64*: enough to make kids that do not repeat.
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        seed.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let forged: Vec<String> = (0..count)
        .map(|_| {
            let kid = format!("K{:016x}{:016x}", random(), random());
            header.insert("kid".into(), Value::String(kid));
            let encoded = URL_SAFE_NO_PAD.encode(Value::Object(header.clone()).to_string());
            format!("{encoded}.{rest}")
        })
        .collect();
    let before = fake.received_for(Operation::GetKeysV2).len();
    let start = Instant::now();
    let refused = join_all(
        forged
            .iter()
            .map(|jwt| async move { validator.validate(jwt).await.is_err() }),
    )
    .await
    .into_iter()
    .filter(|refused| *refused)
    .count();
    let elapsed = start.elapsed();
    let fetches = fake.received_for(Operation::GetKeysV2).len() - before;
    Ok(Storm {
        tokens: count,
        refused,
        fetches,
        elapsed,
        // `session_validator()`'s, the default.
        cooldown: DEFAULT_UNKNOWN_KID_COOLDOWN,
    })
}

/// Runs every future of `futures` at once on the calling task (they need not
/// be `Send` or `'static`) and answers their outputs in order.
async fn join_all<F: Future>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    let mut pending: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pending.iter().map(|_| None).collect();
    let mut left = pending.len();
    std::future::poll_fn(|cx| {
        for (future, output) in pending.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                if let Poll::Ready(done) = future.as_mut().poll(cx) {
                    *output = Some(done);
                    left -= 1;
                }
            }
        }
        if left == 0 {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

/// Renders the figures; the last three lines (two without the SDKs) are the
/// `VALIDATION` lines.
pub fn render(figures: &Figures) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nSession validation: RS256 session JWTs ({} distinct, in turn), keys cached, one \
         validation at a time on one thread, the SDKs held to one core (median of {} rounds of {:.1} s; contenders alternate)\n",
        figures.tokens,
        figures.rounds.len(),
        figures.window.as_secs_f64()
    );
    let _ = writeln!(
        out,
        "{:<11} {:>14} {:>17} {:>9} {:>13} {:>8}  what",
        "contender", "validations/s", "min-max", "µs/token", "CPU µs/token", "vs ours"
    );
    for (contender, what) in &figures.contenders {
        let windows = figures.windows(*contender);
        let rates: Vec<f64> = windows.iter().map(Window::per_sec).collect();
        let min = rates.iter().copied().fold(f64::INFINITY, f64::min);
        let max = rates.iter().copied().fold(0.0, f64::max);
        let rate = stats::median(rates.iter().copied());
        let cpu = stats::median(windows.iter().map(Window::cpu_us_per_token));
        let vs_ours = 1.0 / figures.rate_ratio(*contender);
        let _ = writeln!(
            out,
            "{:<11} {:>14.0} {:>17} {:>9.2} {:>13.2} {:>8.3}  {what}",
            contender.label(),
            rate,
            format!("{min:.0}-{max:.0}"),
            1e6 / rate,
            cpu,
            vs_ours,
        );
    }
    let _ = writeln!(out, "\nCPU per token: {}.", figures.cpu_note());
    let _ = writeln!(
        out,
        "vs ours: the median over rounds of the contender's validations/s over ours in the \
         same round.\n"
    );
    let storm = &figures.storm;
    let _ = writeln!(
        out,
        "Key-fetch storm: {} session JWTs with unknown kids through validate(), all at once: \
         {} refused, {} GetKeysV2 fetch(es) in {:.1} ms (cooldown {:?}: goal at most {})",
        storm.tokens,
        storm.refused,
        storm.fetches,
        storm.elapsed.as_secs_f64() * 1e3,
        storm.cooldown,
        storm.allowed(),
    );
    let mut goals = Vec::new();
    let mut floor = Vec::new();
    for (contender, goal) in [(Contender::NodeSdk, 5.0), (Contender::PythonSdk, 20.0)] {
        if figures.measured(contender) {
            goals.push(format!(
                "x{:.2} {}'s validations/s (goal x{goal})",
                figures.rate_ratio(contender),
                contender.label()
            ));
            floor.push(format!(
                "x{:.2} {}'s",
                figures.rate_ratio_of(Contender::Floor, contender),
                contender.label()
            ));
        }
    }
    goals.push(format!(
        "x{:.3} the floor's CPU per token (goal at most x1.3)",
        figures.cpu_ratio_to_floor()
    ));
    let _ = writeln!(out, "Ours: {}.", goals.join(", "));
    if !floor.is_empty() {
        let _ = writeln!(
            out,
            "The floor itself (the signature check alone): {} validations/s.",
            floor.join(", ")
        );
    }
    let _ = writeln!(out);
    for contender in [Contender::NodeSdk, Contender::PythonSdk] {
        if figures.measured(contender) {
            let _ = writeln!(
                out,
                "VALIDATION ours/{} {:.2}",
                contender.label(),
                figures.rate_ratio(contender)
            );
        }
    }
    let _ = writeln!(
        out,
        "VALIDATION ours/floor {:.3}",
        figures.cpu_ratio_to_floor()
    );
    out
}

/// Where the SDKs, their virtual environment and the tokens file live:
/// `target/validation-bench/` of the workspace (or of `CARGO_TARGET_DIR`).
fn scratch_dir() -> Result<PathBuf, String> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("validation-bench");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    dir.canonicalize()
        .map_err(|e| format!("{}: {e}", dir.display()))
}

/// The directory of the SDK scripts.
fn scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sdk")
}

/// `program`, held to one core (`taskset -c 0`, where there is one) as ours
/// is, being one thread: Node checks signatures on its thread pool, which
/// would otherwise spread one process's validations over every core.
fn on_one_core(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let pinned = Command::new("taskset")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if !pinned {
        return Command::new(program);
    }
    let mut command = Command::new("taskset");
    command.arg("-c").arg("0").arg(program);
    command
}

/// The SDKs, installed.
struct Installed {
    node_modules: PathBuf,
    python: PathBuf,
}

impl Installed {
    fn commands(&self, base_url: &str, tokens: &Path) -> Vec<(Contender, Command)> {
        let scripts = scripts_dir();
        let mut node = on_one_core("node");
        node.arg(scripts.join("node-validate.js"))
            .arg(base_url)
            .arg(tokens)
            .env("NODE_PATH", &self.node_modules);
        let mut python = on_one_core(&self.python);
        python
            .arg(scripts.join("python_validate.py"))
            .arg(base_url)
            .arg(tokens);
        vec![(Contender::NodeSdk, node), (Contender::PythonSdk, python)]
    }
}

/// Installs the pinned SDKs under the scratch directory unless they are
/// there already: `npm install` (npm's registry) and a virtual environment
/// with `pip install` (PyPI), as `crates/fake-descope-cli/sdk/run.sh` does.
fn install() -> Result<Installed, String> {
    let scratch = scratch_dir()?;
    let node_dir = scratch.join("node");
    let node_modules = node_dir.join("node_modules");
    let package = node_modules.join("@descope/node-sdk/package.json");
    let installed = std::fs::read_to_string(&package)
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .and_then(|package| package["version"].as_str().map(str::to_string));
    if installed.as_deref() != Some(NODE_SDK_VERSION) {
        eprintln!(
            "validation: installing @descope/node-sdk@{NODE_SDK_VERSION} into {}",
            node_dir.display()
        );
        std::fs::create_dir_all(&node_dir).map_err(|e| format!("{}: {e}", node_dir.display()))?;
        if !node_dir.join("package.json").exists() {
            install_step(
                Command::new("npm")
                    .args(["init", "-y"])
                    .current_dir(&node_dir)
                    .stdout(Stdio::null()),
            )?;
        }
        install_step(
            Command::new("npm")
                .args(["install", "--silent", "--no-audit", "--no-fund"])
                .arg(format!("@descope/node-sdk@{NODE_SDK_VERSION}"))
                .current_dir(&node_dir)
                .stdout(Stdio::null()),
        )?;
    }

    let venv = scratch.join("venv");
    let python = venv.join("bin/python");
    let version = Command::new(&python)
        .args([
            "-c",
            "from importlib.metadata import version; print(version('descope'))",
        ])
        .stderr(Stdio::null())
        .output()
        .ok()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string());
    if version.as_deref() != Some(PYTHON_SDK_VERSION) {
        eprintln!(
            "validation: installing descope=={PYTHON_SDK_VERSION} into {}",
            venv.display()
        );
        if !python.exists() {
            install_step(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
        }
        install_step(
            Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .arg(format!("descope=={PYTHON_SDK_VERSION}")),
        )?;
    }
    Ok(Installed {
        node_modules,
        python,
    })
}

/// Runs an installation step; fails with what to do when it does not succeed.
fn install_step(command: &mut Command) -> Result<(), String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let status = command.status().map_err(|e| {
        format!(
            "validation: cannot run {program} ({e}); the SDK contenders need node with npm \
             and python3 with venv (apt-get install nodejs npm python3-venv), or run \
             descope-bench --validation --without-sdks"
        )
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("validation: {command:?} failed ({status})"))
    }
}

/// An SDK's script, running until its stdin closes.
struct SdkChild {
    contender: Contender,
    describe: String,
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl SdkChild {
    /// Starts the script and waits until it has validated every token once.
    fn start(contender: Contender, mut command: Command) -> Result<SdkChild, String> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{}: cannot start {command:?}: {e}", contender.label()))?;
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        let mut started = SdkChild {
            contender,
            describe: String::new(),
            child,
            stdin,
            stdout,
        };
        let ready = started.answer()?;
        let sdk = ready["sdk"].as_str().unwrap_or("?");
        let runtime = ready["runtime"].as_str().unwrap_or("?");
        let function = match contender {
            Contender::PythonSdk => "validate_session",
            _ => "validateSession",
        };
        started.describe = format!("{sdk} {function} ({runtime})");
        Ok(started)
    }

    /// The script's next line, as JSON.
    fn answer(&mut self) -> Result<Value, String> {
        let label = self.contender.label();
        let mut line = String::new();
        let read = self
            .stdout
            .read_line(&mut line)
            .map_err(|e| format!("{label}: {e}"))?;
        if read == 0 {
            let status = self.child.wait().map_err(|e| format!("{label}: {e}"))?;
            return Err(format!(
                "{label}: the script ended ({status}); its error is above"
            ));
        }
        serde_json::from_str(&line).map_err(|e| format!("{label}: {e} in {line:?}"))
    }

    /// One window of `length`.
    fn window(&mut self, length: Duration) -> Result<Window, String> {
        let label = self.contender.label();
        let stdin = self.stdin.as_mut().ok_or("stdin closed")?;
        writeln!(stdin, "{}", length.as_millis())
            .and_then(|()| stdin.flush())
            .map_err(|e| format!("{label}: {e}"))?;
        let answer = self.answer()?;
        let secs = |name: &str| {
            answer[name]
                .as_f64()
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| format!("{label}: no {name} in {answer}"))
        };
        Ok(Window {
            validations: answer["validations"]
                .as_u64()
                .ok_or_else(|| format!("{label}: no validations in {answer}"))?,
            wall: secs("wallSecs")?,
            cpu: Some(secs("cpuSecs")?),
        })
    }

    /// Closes its stdin, which ends the script, and waits for it.
    fn finish(mut self) -> Result<(), String> {
        drop(self.stdin.take());
        let status = self
            .child
            .wait()
            .map_err(|e| format!("{}: {e}", self.contender.label()))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("{}: ended with {status}", self.contender.label()))
        }
    }
}

impl Drop for SdkChild {
    fn drop(&mut self) {
        // On an error path: end the script rather than leave it waiting.
        drop(self.stdin.take());
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
