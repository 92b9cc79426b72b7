//! `cargo bench --bench load`: Maeum under load, end to end, on SQLite and on
//! Postgres side by side in one run.
//!
//! For each backend: `maeum run` (the built binary) serving HTTP, replies
//! from a mock OpenAI-compatible server that answers after a fixed delay
//! (300 ms), and `USERS` users (200) each writing `MESSAGES` messages (5)
//! through `POST /v1/chat`, one after another, as people write: the users
//! start within the first `THINK` (3 s) and each waits a random 0.5–1.5 ×
//! `THINK` after a reply before writing again. Reports
//! per backend: errors, whether every turn was stored exactly once, the
//! pipeline's overhead per message (end-to-end latency minus the mock's
//! delay) at p50 and p99, throughput, and the process's peak RSS. Then, on
//! Postgres, `BURST` users (1,000) writing one message each at the same
//! moment: errors and turns stored once.
//!
//! Postgres is reached at `MAEUM_BENCH_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`); each run creates and drops its
//! own database there. Settings: `BENCH_USERS`, `BENCH_MESSAGES`,
//! `BENCH_BURST`, `BENCH_LLM_DELAY_MS`, `BENCH_SET_<VARIABLE>` (set for
//! `maeum run`), `BENCH_MAEUM_BIN` (another build to run), `BENCH_THINK_MS` (0: every user
//! writes again at once — then the classifier, one model read per message on
//! this machine's cores, is what limits throughput) in the environment.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Json;
use axum::Router;
use axum::routing::post;
use serde_json::{Value, json};
use sqlx::Connection;

const TOKEN: &str = "load-bench-token";
const METRICS_TOKEN: &str = "load-bench-metrics";

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// The mock LLM: every completion after `delay`, counted.
async fn mock_llm(delay: Duration) -> (SocketAddr, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    let app = Router::new().route(
        "/v1/chat/completions",
        post(move |Json(body): Json<Value>| {
            let counted = counted.clone();
            async move {
                counted.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(delay).await;
                Json(json!({
                    "id": "chatcmpl-bench", "object": "chat.completion", "created": 0,
                    "model": body["model"],
                    "choices": [{"index": 0, "finish_reason": "stop", "logprobs": null,
                        "message": {"role": "assistant", "refusal": null,
                            "content": "그랬구나. 오늘 많이 애썼다, 조금 쉬어 가자."}}],
                    "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
                }))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port for the mock LLM");
    let addr = listener.local_addr().expect("its address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, count)
}

fn free_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address")
}

/// `maeum run` serving HTTP on `listen` with `database_url` (or SQLite in `data`).
fn start_maeum(
    listen: SocketAddr,
    llm: SocketAddr,
    data: &std::path::Path,
    database_url: Option<&str>,
) -> Child {
    // `BENCH_MAEUM_BIN`: another build of maeum (e.g. the commit before a
    // change), to compare two builds side by side.
    let binary =
        std::env::var_os("BENCH_MAEUM_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_maeum").into());
    let mut command = Command::new(binary);
    command
        .arg("run")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("MAEUM") {
            command.env_remove(name);
        }
    }
    for name in ["DATABASE_URL", "OPENAI_API_KEY", "RUST_LOG"] {
        command.env_remove(name);
    }
    command
        .env("MAEUM__HTTP__ENABLED", "true")
        .env("MAEUM__HTTP__LISTEN", listen.to_string())
        .env("MAEUM_HTTP_TOKEN", TOKEN)
        .env("MAEUM_METRICS_TOKEN", METRICS_TOKEN)
        .env("OPENAI_BASE_URL", format!("http://{llm}/v1"))
        .env("MAEUM__LLM__STREAM", "false")
        // Every user in flight at once reaches the mock: the bench measures
        // Maeum's overhead, not a queue in front of the model.
        .env("MAEUM__LLM__MAX_CONCURRENT_REQUESTS", "4096")
        .env("MAEUM__PRIVACY__REQUIRE_CONSENT", "false")
        // The burst opens a connection per user.
        .env("MAEUM__SERVERS__MAX_CONNECTIONS", "4096")
        .env("MAEUM__LOG__LEVEL", "warn")
        .env("MAEUM__STORE__DATA_DIR", data)
        .env("MAEUM_MARKER_KEY", "0".repeat(64));
    if let Some(url) = database_url {
        command.env("DATABASE_URL", url);
    }
    // `BENCH_SET_MAEUM__EMOTION__INTRA_THREADS=2` runs `maeum run` with
    // `MAEUM__EMOTION__INTRA_THREADS=2`: to compare settings under load.
    for (name, value) in std::env::vars() {
        if let Some(name) = name.strip_prefix("BENCH_SET_") {
            command.env(name, value);
        }
    }
    command
        .spawn()
        .expect("start maeum run (cargo builds it for the bench)")
}

async fn wait_ready(client: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(response) = client.get(format!("{base}/readyz")).send().await
            && response.status().is_success()
        {
            return;
        }
        assert!(Instant::now() < deadline, "maeum run never got ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Kilobytes of the process's peak resident set (VmHWM).
fn peak_rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn stop(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

/// What the users saw: each message's latency, and the failures.
struct Load {
    latencies: Vec<Duration>,
    errors: usize,
    elapsed: Duration,
}

/// A random wait of 0.5–1.5 × `think`.
fn pause(think: Duration) -> Duration {
    think.mul_f64(0.5 + rand::random::<f64>())
}

/// `users` users, each writing `messages` messages one after another with
/// `think` (on average) between a reply and the next message; they start
/// within the first `think`.
async fn drive(
    client: &reqwest::Client,
    base: &str,
    users: usize,
    messages: usize,
    think: Duration,
) -> Load {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for user in 0..users {
        let (client, url) = (client.clone(), format!("{base}/v1/chat"));
        tasks.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut errors = 0;
            tokio::time::sleep(think.mul_f64(rand::random::<f64>())).await;
            for message in 0..messages {
                if message > 0 {
                    tokio::time::sleep(pause(think)).await;
                }
                let body = json!({
                    "user_id": format!("user{user}"),
                    "message_id": format!("m{message}"),
                    "text": format!("오늘 회사에서 있었던 일 {message}번째 얘기야. 좀 지치긴 했어."),
                });
                let sent = Instant::now();
                let answered = client.post(&url).bearer_auth(TOKEN).json(&body).send().await;
                match answered {
                    Ok(response) if response.status().is_success() => {
                        let body: Value = response.json().await.unwrap_or_default();
                        if body["turn_id"].is_i64() {
                            seen.push(sent.elapsed());
                        } else {
                            errors += 1;
                        }
                    }
                    Ok(response) => {
                        eprintln!("user{user} m{message}: HTTP {}", response.status());
                        errors += 1;
                    }
                    Err(error) => {
                        eprintln!("user{user} m{message}: {error}");
                        errors += 1;
                    }
                }
            }
            (seen, errors)
        }));
    }
    let mut load = Load {
        latencies: Vec::new(),
        errors: 0,
        elapsed: Duration::ZERO,
    };
    for task in tasks {
        let (seen, errors) = task.await.expect("a user task");
        load.latencies.extend(seen);
        load.errors += errors;
    }
    load.elapsed = started.elapsed();
    load
}

/// Stored turns, and distinct (user, message) pairs among them.
async fn stored(database_url: &str) -> (i64, i64) {
    let store = maeum::store::Store::connect(database_url)
        .await
        .expect("the bench database");
    sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT (user_ref || ':' || platform_message_id)) FROM messages",
    )
    .fetch_one(store.pool())
    .await
    .expect("count the stored turns")
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

struct Report {
    backend: &'static str,
    load: Load,
    stored: (i64, i64),
    peak_rss_kb: u64,
    /// Mean seconds per turn in each stage, from `/metrics`.
    stages: Vec<(String, f64)>,
}

/// The mean of each `maeum_stage_seconds` histogram (where the time goes).
async fn stage_means(client: &reqwest::Client, base: &str) -> Vec<(String, f64)> {
    let text = match client
        .get(format!("{base}/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
    {
        Ok(response) => response.text().await.unwrap_or_default(),
        Err(_) => return Vec::new(),
    };
    let value = |line: &str| line.rsplit(' ').next()?.parse::<f64>().ok();
    let mut sums = std::collections::BTreeMap::new();
    let mut counts = std::collections::BTreeMap::new();
    for line in text.lines() {
        for (prefix, into) in [
            ("maeum_stage_seconds_sum{stage=\"", &mut sums),
            ("maeum_stage_seconds_count{stage=\"", &mut counts),
        ] {
            if let Some(rest) = line.strip_prefix(prefix)
                && let (Some((stage, _)), Some(v)) = (rest.split_once('"'), value(line))
            {
                into.insert(stage.to_string(), v);
            }
        }
    }
    sums.into_iter()
        .filter_map(|(stage, sum)| {
            let count = counts.get(&stage).copied().filter(|c| *c > 0.0)?;
            Some((stage, sum / count))
        })
        .collect()
}

/// One backend under the load; `database_url` `None` is SQLite.
async fn run_backend(
    backend: &'static str,
    database_url: Option<&str>,
    llm: SocketAddr,
    users: usize,
    messages: usize,
    think: Duration,
) -> Report {
    let data = tempfile::tempdir().expect("a data directory");
    let listen = free_port();
    let child = start_maeum(listen, llm, data.path(), database_url);
    let base = format!("http://{listen}");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(users)
        .build()
        .expect("an HTTP client");
    wait_ready(&client, &base).await;
    let load = drive(&client, &base, users, messages, think).await;
    let stages = stage_means(&client, &base).await;
    let peak_rss_kb = peak_rss_kb(child.id());
    stop(child);
    let url = database_url.map_or_else(
        || format!("sqlite:{}", data.path().join("maeum.db").display()),
        str::to_string,
    );
    Report {
        backend,
        load,
        stored: stored(&url).await,
        peak_rss_kb,
        stages,
    }
}

/// A fresh database on the bench's Postgres server; its URL, and the admin URL to drop it.
async fn fresh_postgres() -> Option<(String, String, String)> {
    let admin = std::env::var("MAEUM_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    let name = format!("maeum_bench_{:08x}", rand::random::<u32>());
    let mut connection = sqlx::PgConnection::connect(&admin).await.ok()?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut connection)
        .await
        .ok()?;
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(base, _)| base);
    Some((format!("{base}/{name}"), admin, name))
}

async fn drop_postgres(admin: &str, name: &str) {
    if let Ok(mut connection) = sqlx::PgConnection::connect(admin).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut connection)
            .await;
    }
}

fn print_report(report: &Report, delay: Duration, expected: usize) {
    let mut sorted = report.load.latencies.clone();
    sorted.sort();
    let overhead = |p| percentile(&sorted, p).saturating_sub(delay);
    let throughput = sorted.len() as f64 / report.load.elapsed.as_secs_f64();
    let (turns, distinct) = report.stored;
    let once = turns as usize == expected && distinct == turns;
    println!(
        "{:<9} {:>7} {:>7} {:>12} {:>14.1?} {:>14.1?} {:>10.0} {:>10.0}",
        report.backend,
        report.load.errors,
        turns,
        if once { "yes" } else { "NO" },
        overhead(0.5),
        overhead(0.99),
        throughput,
        report.peak_rss_kb as f64 / 1024.0,
    );
    let stages: Vec<String> = report
        .stages
        .iter()
        .map(|(stage, mean)| format!("{stage} {:.1} ms", mean * 1000.0))
        .collect();
    println!("          mean per turn by stage: {}", stages.join(", "));
}

#[tokio::main]
async fn main() {
    let users = env_number("BENCH_USERS", 200);
    let messages = env_number("BENCH_MESSAGES", 5);
    let burst = env_number("BENCH_BURST", 1000);
    let delay = Duration::from_millis(env_number("BENCH_LLM_DELAY_MS", 300) as u64);
    let think = Duration::from_millis(env_number("BENCH_THINK_MS", 3000) as u64);
    let (llm, calls) = mock_llm(delay).await;
    println!(
        "maeum run + HTTP, mock LLM answering in {delay:?}: {users} users x {messages} messages, {think:?} between a reply and the next (0.5-1.5x)"
    );
    println!(
        "{:<9} {:>7} {:>7} {:>12} {:>14} {:>14} {:>10} {:>10}",
        "backend",
        "errors",
        "turns",
        "stored once",
        "overhead p50",
        "overhead p99",
        "msg/s",
        "peak MB"
    );
    let expected = users * messages;
    let sqlite = run_backend("sqlite", None, llm, users, messages, think).await;
    print_report(&sqlite, delay, expected);
    let Some((url, admin, name)) = fresh_postgres().await else {
        println!("postgres: not reachable (MAEUM_BENCH_POSTGRES_URL); skipped");
        return;
    };
    let postgres = run_backend("postgres", Some(&url), llm, users, messages, think).await;
    print_report(&postgres, delay, expected);
    drop_postgres(&admin, &name).await;

    if burst == 0 {
        return;
    }
    let Some((url, admin, name)) = fresh_postgres().await else {
        return;
    };
    println!("\n{burst} users writing one message each at the same moment, on Postgres:");
    let burst_report = run_backend("postgres", Some(&url), llm, burst, 1, Duration::ZERO).await;
    print_report(&burst_report, delay, burst);
    drop_postgres(&admin, &name).await;
    println!("\nLLM calls in all: {}", calls.load(Ordering::Relaxed));
}
