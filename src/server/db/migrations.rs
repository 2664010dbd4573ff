//! Data migrations that run once per database, not at every start: each one, once done, is
//! recorded under its name. Two servers starting together may both run one, so each must be
//! safe to run twice.

use mongodb::Database;
use mongodb::bson::{DateTime, Document, doc};

use super::schema::{MIGRATIONS, is_duplicate_key};

/// Lower-cases the sign-in addresses stored before addresses were normalized.
pub const LOWERCASE_EMAILS: &str = "2026-12-lowercase-emails";
/// Renames invoices' `tax_rates` (bare rates) to `taxes` (named; bare rates read as "Tax").
pub const TAXES_BY_NAME: &str = "2026-12-taxes-by-name";
/// Keeps on each client how they pay (`db::pay_habits`), from the invoices paid before that
/// was kept.
pub const PAY_HABITS: &str = "2026-12-pay-habits";
/// Keeps what each user collected per currency and month (`db::collected`), from the payments
/// recorded before that was kept. Sets each month's total, so running it twice is harmless; a
/// payment recorded by another server while it runs is counted in its month either way.
pub const COLLECTED_MONTHLY: &str = "2026-12-collected-monthly";
/// Keeps what each user's open invoices owe per currency and due date (`db::owed`), from the
/// invoices open before that was kept. Each user's days are set in a transaction, so running
/// it twice, or beside another server recording a payment, leaves the right sums.
pub const OWED_BY_DUE_DATE: &str = "2026-12-owed-by-due-date";
/// Keeps on each older invoice the pieces of its search text (`db::invoices::search`), which
/// searches read through. Sets only what is missing, so running it twice is harmless.
pub const SEARCH_PIECES: &str = "2026-12-search-pieces";
/// Keeps each user's clients who pay latest (`db::late_payers`), from the records kept on
/// their clients. Each user's list is set in a transaction, so running it twice, or beside
/// another server changing a client, leaves the right list.
pub const LATE_PAYERS: &str = "2026-12-late-payers";
/// Keeps what each client's open invoices owe per currency and due date (`db::client_owed`),
/// by summing every user's open invoices again (`owed::rebuild_all`, which sets the user's
/// days and their clients' in one transaction per user), so running it twice is harmless.
pub const CLIENT_OWED: &str = "2026-12-client-owed";

pub async fn has_run(db: &Database, name: &str) -> Result<bool, mongodb::error::Error> {
    Ok(db
        .collection::<Document>(MIGRATIONS)
        .find_one(doc! { "_id": name })
        .await?
        .is_some())
}

pub async fn record(db: &Database, name: &str, now: DateTime) -> Result<(), mongodb::error::Error> {
    match db
        .collection::<Document>(MIGRATIONS)
        .insert_one(doc! { "_id": name, "ran_at": now })
        .await
    {
        Ok(_) => Ok(()),
        Err(err) if is_duplicate_key(&err) => Ok(()),
        Err(err) => Err(err),
    }
}

/// [`TAXES_BY_NAME`]: one update, safe to run twice (a renamed invoice no longer matches).
pub async fn name_taxes(db: &Database) -> Result<u64, mongodb::error::Error> {
    let renamed = db
        .collection::<Document>(super::schema::INVOICES)
        .update_many(
            doc! { "tax_rates": { "$exists": true } },
            doc! { "$rename": { "tax_rates": "taxes" } },
        )
        .await?;
    Ok(renamed.modified_count)
}
