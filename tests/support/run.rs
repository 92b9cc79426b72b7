//! `maeum run` as a child process: the built binary in the repository root,
//! an environment of the test's choosing (none of this machine's `MAEUM*`,
//! LLM, database, platform token or `RUST_LOG` variables leak in), its own
//! data directory, stderr captured to a log file; SIGTERM to stop it.
//!
//! ```ignore
//! let mut maeum = MaeumRun::start(&[("MAEUM__TELEGRAM__ENABLED", "true"), …]);
//! maeum.ready("polling", telegram.wait_for_polling()).await;
//! // … talk to it through the fakes …
//! let status = maeum.terminate().await;
//! assert!(status.success(), "{}", maeum.log());
//! ```

use std::future::Future;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

/// How long `maeum run` may take to get ready, and to stop after SIGTERM.
const RUN_LIMIT: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(50);

/// Variables of this machine's environment that would change what `maeum run`
/// does; removed before the test's own are set. Every `MAEUM*` variable goes too.
const CLEARED: &[&str] = &[
    "DATABASE_URL",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "TELEGRAM_BOT_TOKEN",
    "DISCORD_TOKEN",
    "RUST_LOG",
];

/// A running `maeum run`; killed if still running when dropped.
pub struct MaeumRun {
    child: Child,
    log: tempfile::NamedTempFile,
    data: tempfile::TempDir,
}

impl MaeumRun {
    /// Starts `maeum run` with `env` set (after the machine's own variables
    /// are cleared) and `store.data_dir` a fresh temporary directory.
    pub fn start(env: &[(&str, &str)]) -> MaeumRun {
        let data = tempfile::tempdir().expect("a data directory for maeum run");
        let log = tempfile::NamedTempFile::new().expect("a log file for maeum run");
        let mut command = Command::new(env!("CARGO_BIN_EXE_maeum"));
        command
            .arg("run")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log.reopen().expect("reopen the log file"));
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("MAEUM") {
                command.env_remove(name);
            }
        }
        for name in CLEARED {
            command.env_remove(name);
        }
        command.env("MAEUM__STORE__DATA_DIR", data.path());
        command.envs(env.iter().copied());
        let child = command.spawn().expect("start maeum run");
        MaeumRun { child, log, data }
    }

    /// Everything `maeum run` wrote to stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }

    /// Its `store.data_dir`.
    pub fn data_dir(&self) -> &Path {
        self.data.path()
    }

    /// Waits for `ready` (a fake seeing the bot connect); fails the test with
    /// the log if `maeum run` exits first or `ready` takes over a minute.
    pub async fn ready<T>(&mut self, what: &str, ready: impl Future<Output = T>) -> T {
        let outcome = tokio::time::timeout(RUN_LIMIT, async {
            tokio::select! {
                value = ready => Ok(value),
                status = exited(&mut self.child) => Err(status),
            }
        })
        .await;
        match outcome {
            Ok(Ok(value)) => value,
            Ok(Err(status)) => panic!(
                "maeum run exited before {what}: {status:?}; stderr:\n{}",
                self.log()
            ),
            Err(_) => panic!("maeum run never got to {what}; stderr:\n{}", self.log()),
        }
    }

    /// Waits until `found` finds something in the log; fails the test if
    /// `maeum run` exits first or nothing is found within a minute.
    pub async fn wait_for_log<T>(&mut self, what: &str, found: impl Fn(&str) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + RUN_LIMIT;
        loop {
            let log = self.log();
            if let Some(value) = found(&log) {
                return value;
            }
            if let Some(status) = self.child.try_wait().expect("wait for maeum run") {
                panic!("maeum run exited before {what}: {status:?}; stderr:\n{log}");
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "maeum run never logged {what}; stderr:\n{log}"
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// Sends SIGTERM and waits for the exit status; fails the test (killing
    /// the process) if it has not stopped within a minute.
    pub async fn terminate(&mut self) -> ExitStatus {
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(killed.success(), "kill -TERM maeum run");
        match tokio::time::timeout(RUN_LIMIT, exited(&mut self.child)).await {
            Ok(status) => status,
            Err(_) => {
                let _ = self.child.kill();
                panic!(
                    "maeum run did not stop after SIGTERM; stderr:\n{}",
                    self.log()
                );
            }
        }
    }
}

impl Drop for MaeumRun {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits for the child to exit (std's `Child` has no async wait).
async fn exited(child: &mut Child) -> ExitStatus {
    loop {
        if let Some(status) = child.try_wait().expect("wait for maeum run") {
            return status;
        }
        tokio::time::sleep(POLL).await;
    }
}
