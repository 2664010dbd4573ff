//! The loop's processes: `paytrack` subcommands run against the test's server, database and
//! stand-ins, killed with SIGKILL when the loop says.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::MASTER_KEY;
use crate::common::{TestApp, test_mongodb_uri};

pub(super) fn command(app: &TestApp, resend: &str, stripe: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_paytrack"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "error")
        .env("MONGODB_URI", test_mongodb_uri())
        .env("MONGODB_DATABASE", app.db.name())
        .env("PAYTRACK_BASE_URL", &app.address)
        .env("PAYTRACK_MASTER_KEY", MASTER_KEY)
        .env("RESEND_API_KEY", "re_test_kill_loop")
        .env("RESEND_BASE_URL", resend)
        .env("STRIPE_API_BASE", stripe)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// Runs `command`; killed with SIGKILL after `kill_after` if it is still running then.
/// Returns whether it was killed.
pub(super) async fn run(mut command: Command, kill_after: Option<Duration>) -> bool {
    let mut child: Child = command.spawn().unwrap();
    let deadline = std::time::Instant::now() + kill_after.unwrap_or(Duration::from_secs(120));
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        if std::time::Instant::now() >= deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            return kill_after.is_some();
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// How long the database keeps a transaction whose process was killed (MongoDB's
/// `transactionLifetimeLimitSeconds`, 60 by default), with a margin.
pub(super) const ABANDONED_TRANSACTION_LIFETIME: Duration = Duration::from_secs(65);
