//! A database server of a test's own, and the failures it is made to have: stopped, paused,
//! restarted, or refusing commands through its failpoints (which are server-wide, so only a
//! test's own database may be given them).

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use mongodb::Database;

use super::{free_port, wait_for};

/// A SecantusDB server of the test's own (the Rust build, like every other test's), for tests
/// that stop and restart the database or make it refuse commands. Its data lives in a
/// directory of its own, so a restart after `kill` finds what was written, as a real one would.
pub struct OwnDatabase {
    pub port: u16,
    storage: std::path::PathBuf,
    child: Option<Child>,
}

impl OwnDatabase {
    pub fn start() -> Self {
        let port = free_port();
        let storage =
            std::env::temp_dir().join(format!("paytrack-own-db-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&storage).expect("a directory for the database");
        let mut db = OwnDatabase {
            port,
            storage,
            child: None,
        };
        db.restart();
        db
    }

    pub fn uri(&self) -> String {
        format!("mongodb://127.0.0.1:{}", self.port)
    }

    pub fn restart(&mut self) {
        let child = Command::new(secantusd())
            .args(["--host", "127.0.0.1", "--port", &self.port.to_string()])
            .arg("--storage-path")
            .arg(&self.storage)
            .args(["--log-level", "ERROR", "--log-file-max", "16MB"])
            // What it acknowledged survives `kill`, as with a journaled MongoDB: by default
            // SecantusDB writes its log lazily, and a kill within about half a second of a
            // write loses it, so a test that restarts the database would find its user gone.
            .arg("--sync-on-commit")
            // Failpoints (`configureFailPoint`), for the tests that make it refuse commands.
            .arg("--enable-test-commands")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("secantusd-rs starts");
        self.child = Some(child);
        wait_for(Duration::from_secs(60), || {
            std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok()
        });
    }

    /// Stops the database's process (SIGSTOP) without closing anything: connections stay
    /// open and new ones are accepted by the kernel, but nothing is answered — a database
    /// that hangs, unlike one that is gone.
    pub fn pause(&self) {
        self.signal("-STOP");
    }

    /// Lets a paused database go on (SIGCONT).
    pub fn resume(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, signal: &str) {
        let child = self.child.as_ref().expect("the database is running");
        let sent = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "kill {signal} reached the database");
    }

    /// Kills the server without warning, as a crash or a network cut would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Makes the database behind `db` refuse `commands` (MongoDB's `failCommand` failpoint) until
/// `allow_all` is called. Only on an `OwnDatabase`: the failpoint is server-wide.
pub async fn refuse(db: &Database, commands: &[&str]) {
    refuse_with(db, commands, 2).await;
}

/// `refuse`, answering with the server error `code` (89: a network timeout, a refusal for now).
pub async fn refuse_with(db: &Database, commands: &[&str], code: i32) {
    fail_commands(db, mongodb::bson::Bson::from("alwaysOn"), commands, code).await;
}

/// `refuse`, but only after the first `skip` matching commands have run.
pub async fn refuse_after(db: &Database, commands: &[&str], skip: i32) {
    let mode = mongodb::bson::doc! { "skip": skip, "times": i32::MAX };
    fail_commands(db, mode.into(), commands, 2).await;
}

/// `refuse`, for the next `times` matching commands only.
pub async fn refuse_times(db: &Database, commands: &[&str], times: i32) {
    let mode = mongodb::bson::doc! { "times": times };
    fail_commands(db, mode.into(), commands, 2).await;
}

async fn fail_commands(db: &Database, mode: mongodb::bson::Bson, commands: &[&str], code: i32) {
    db.client()
        .database("admin")
        .run_command(mongodb::bson::doc! {
            "configureFailPoint": "failCommand",
            "mode": mode,
            "data": { "failCommands": commands, "errorCode": code },
        })
        .await
        .expect("the failpoint is set");
}

pub async fn allow_all(db: &Database) {
    db.client()
        .database("admin")
        .run_command(mongodb::bson::doc! { "configureFailPoint": "failCommand", "mode": "off" })
        .await
        .expect("the failpoint is lifted");
}

impl Drop for OwnDatabase {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.storage);
    }
}

fn secantusd() -> String {
    std::env::var("PAYTRACK_TEST_SECANTUSD").unwrap_or_else(|_| "secantusd-rs".to_string())
}
