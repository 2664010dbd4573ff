//! `paytrack send-due [--at TIME]`: one pass of the email engine from the command line, for an
//! operator who runs the engine from cron instead of inside the web servers, or who wants to
//! see what is due. `--at` rehearses a pass as if it were that instant (refused in
//! production, where it could send reminders early).

use std::process::ExitCode;
use std::sync::Arc;

use jiff::Timestamp;

use super::clock::{Clock, ManualClock, SystemClock};
use super::engine::Engine;
use crate::server::config::{Config, Environment};
use crate::server::db;
use crate::server::email::Mailer;

const USAGE: &str = "usage: paytrack send-due [--at 2026-12-01T09:00:00Z]";

fn parse(args: &[String]) -> Result<Option<Timestamp>, String> {
    parse_at(args, USAGE)
}

/// The arguments of a one-pass command: nothing, or `--at` and an instant.
pub(super) fn parse_at(args: &[String], usage: &str) -> Result<Option<Timestamp>, String> {
    match args {
        [] => Ok(None),
        [flag, at] if flag == "--at" => at.parse::<Timestamp>().map(Some).map_err(|_| {
            format!(
                "--at wants an RFC 3339 instant such as 2026-12-01T09:00:00Z, got `{at}`\n{usage}"
            )
        }),
        _ => Err(usage.to_string()),
    }
}

pub async fn run(args: &[String]) -> ExitCode {
    crate::server::telemetry::init();
    let (at, config) = match Config::for_command_with(parse(args)) {
        Ok(started) => started,
        Err(code) => return code,
    };
    if at.is_some() && config.environment == Environment::Production {
        eprintln!(
            "paytrack send-due refuses --at with PAYTRACK_ENV=production: it could send reminders early."
        );
        return ExitCode::from(2);
    }
    let clock: Arc<dyn Clock> = match at {
        Some(at) => Arc::new(ManualClock::new(at)),
        None => Arc::new(SystemClock),
    };
    let result = async {
        let database =
            db::open_for_command(config.mongodb_uri.expose(), &config.mongodb_database).await?;
        let mailer = Mailer::from_config(&config, &database)
            .map_err(|e| format!("cannot set up email: {e}"))?;
        let engine = Engine::for_config(database.clone(), mailer, clock, &config);
        let report = engine.tick().await;
        db::close(&database).await;
        report.map_err(|e| format!("the pass stopped: {e}"))
    }
    .await;
    match result {
        Ok(report) => {
            println!(
                "claimed {}, sent {}, skipped {}, failed {}, deferred {}; {} batch requests; {} credit notes emailed",
                report.claimed,
                report.sent,
                report.skipped,
                report.failed,
                report.deferred,
                report.batches,
                report.credit_notes
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("paytrack: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests;
