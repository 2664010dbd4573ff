//! The data migrations a start-up runs, each once per database (`db::migrations` records
//! them by name): older documents brought to the shape the code now reads.

use mongodb::Database;
use mongodb::bson::DateTime;

use crate::server::db;

/// Runs the data migrations this database has not run yet.
pub async fn run(database: &Database) -> Result<(), mongodb::error::Error> {
    use db::migrations::{
        self, CLIENT_OWED, COLLECTED_MONTHLY, LATE_PAYERS, LOWERCASE_EMAILS, OWED_BY_DUE_DATE,
        PAY_HABITS, SEARCH_PIECES, TAXES_BY_NAME,
    };
    if !migrations::has_run(database, LOWERCASE_EMAILS).await? {
        let normalized = db::users::normalize_emails(database).await?;
        // Addresses that clash with another account stay as they were: an operator merges
        // those by hand (the log names them), so the migration is done either way.
        tracing::info!(
            changed = normalized.changed,
            conflicts = normalized.conflicts.len(),
            "sign-in addresses lower-cased"
        );
        migrations::record(database, LOWERCASE_EMAILS, DateTime::now()).await?;
    }
    if !migrations::has_run(database, TAXES_BY_NAME).await? {
        let renamed = migrations::name_taxes(database).await?;
        tracing::info!(invoices = renamed, "invoice taxes moved to named taxes");
        migrations::record(database, TAXES_BY_NAME, DateTime::now()).await?;
    }
    if !migrations::has_run(database, PAY_HABITS).await? {
        // Before this, no invoice held a promise; lateness needs no time zone.
        let today =
            crate::server::jobs::plan::local_date(jiff::Timestamp::now(), &jiff::tz::TimeZone::UTC);
        let clients = db::pay_habits::backfill(database, None, today).await?;
        tracing::info!(
            clients,
            "how each client pays, worked out from paid invoices"
        );
        migrations::record(database, PAY_HABITS, DateTime::now()).await?;
    }
    if !migrations::has_run(database, COLLECTED_MONTHLY).await? {
        let months = db::collected::backfill(database, None).await?;
        tracing::info!(
            months,
            "cash collected per month, summed from recorded payments"
        );
        migrations::record(database, COLLECTED_MONTHLY, DateTime::now()).await?;
    }
    if !migrations::has_run(database, OWED_BY_DUE_DATE).await? {
        let users = db::owed::rebuild_all(database).await?;
        tracing::info!(users, "what open invoices owe, summed per due date");
        migrations::record(database, OWED_BY_DUE_DATE, DateTime::now()).await?;
        // Today's rebuild sums each client's days too: what `CLIENT_OWED` would do again.
        migrations::record(database, CLIENT_OWED, DateTime::now()).await?;
    }
    if !migrations::has_run(database, SEARCH_PIECES).await? {
        let invoices = db::invoices::keep_pieces_of_older(database).await?;
        tracing::info!(invoices, "invoices given the pieces searches read them by");
        migrations::record(database, SEARCH_PIECES, DateTime::now()).await?;
    }
    if !migrations::has_run(database, LATE_PAYERS).await? {
        let users = db::late_payers::refresh_all(database).await?;
        tracing::info!(users, "the clients who pay latest, kept per user");
        migrations::record(database, LATE_PAYERS, DateTime::now()).await?;
    }
    if !migrations::has_run(database, CLIENT_OWED).await? {
        let users = db::owed::rebuild_all(database).await?;
        tracing::info!(
            users,
            "what each client's open invoices owe, summed per due date"
        );
        migrations::record(database, CLIENT_OWED, DateTime::now()).await?;
    }
    Ok(())
}
