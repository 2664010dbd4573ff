//! `paytrack reseal-keys`: the rotation step of the master key. With the new key as
//! `PAYTRACK_MASTER_KEY` and the old one in `PAYTRACK_MASTER_KEY_PREVIOUS`, it seals every
//! stored Stripe key and signing secret again under the new key; afterwards the old key can be
//! removed from the configuration. Safe to run again (values already under the new key are
//! left alone) and while servers run (each write checks the value it replaces is unchanged).

use std::process::ExitCode;

use mongodb::Database;

use crate::server::config::Config;
use crate::server::crypto::{Keyring, Purpose};
use crate::server::db::{self, stripe_connections};

/// What a run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ResealReport {
    pub resealed: u64,
    pub already_current: u64,
    /// Values that did not open (sealed under a key not configured, or damaged): named in the
    /// log by user id, left as they are.
    pub unreadable: u64,
}

pub async fn reseal_all(
    db: &Database,
    keyring: &Keyring,
) -> Result<ResealReport, mongodb::error::Error> {
    let mut report = ResealReport::default();
    for connection in stripe_connections::all(db).await? {
        let owner = connection.user_id;
        let key = keyring.reseal(owner, Purpose::StripeKey, &connection.key);
        let secret = connection
            .webhook
            .as_ref()
            .map(|w| keyring.reseal(owner, Purpose::StripeWebhookSecret, &w.secret))
            .transpose();
        let (key, secret) = match (key, secret) {
            (Ok(key), Ok(secret)) => (key, secret.flatten()),
            (Err(err), _) | (_, Err(err)) => {
                tracing::error!(user = %owner, error = %err, "a Stripe secret does not open; left as it is");
                report.unreadable += 1;
                continue;
            }
        };
        if key.is_none() && secret.is_none() {
            report.already_current += 1;
            continue;
        }
        let new_key = key.unwrap_or_else(|| connection.key.clone());
        if stripe_connections::store_resealed(
            db,
            connection.id,
            &connection.key,
            &new_key,
            secret.as_ref(),
        )
        .await?
        {
            report.resealed += 1;
        } else {
            // The user connected a new key meanwhile: it is already under the current key.
            report.already_current += 1;
        }
    }
    Ok(report)
}

pub async fn run(args: &[String]) -> ExitCode {
    crate::server::telemetry::init();
    if !args.is_empty() {
        eprintln!("usage: paytrack reseal-keys");
        return ExitCode::from(2);
    }
    let config = match Config::for_command() {
        Ok(config) => config,
        Err(code) => return code,
    };
    let Some(current) = &config.secrets.master_key else {
        eprintln!(
            "paytrack: PAYTRACK_MASTER_KEY is not set: set the new key there and the old one in PAYTRACK_MASTER_KEY_PREVIOUS"
        );
        return ExitCode::from(2);
    };
    let keyring = match Keyring::from_base64(current, &config.secrets.master_key_previous) {
        Ok(keyring) => keyring,
        Err(problem) => {
            eprintln!("paytrack: {problem}");
            return ExitCode::from(2);
        }
    };
    let result = async {
        let database =
            db::open_for_command(config.mongodb_uri.expose(), &config.mongodb_database).await?;
        let report = reseal_all(&database, &keyring).await;
        db::close(&database).await;
        report.map_err(|e| format!("re-sealing stopped: {e}"))
    }
    .await;
    match result {
        Ok(report) => {
            println!(
                "re-sealed {}, already under the current key {}, unreadable {}",
                report.resealed, report.already_current, report.unreadable
            );
            if report.unreadable > 0 {
                eprintln!(
                    "paytrack: some values did not open (see the log); keep the old key until they are dealt with"
                );
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("paytrack: {message}");
            ExitCode::FAILURE
        }
    }
}
