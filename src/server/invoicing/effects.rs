//! What a change to an invoice leaves behind besides the invoice itself: the dashboard's
//! activity, usage counts, and emails that must no longer go out. Each is best effort: failing
//! one is logged and never undoes or fails the change (the engine re-reads an invoice before
//! sending and skips one that is paid or void).

use mongodb::bson::DateTime;
use mongodb::bson::oid::ObjectId;

use crate::domain::usage::UsageEvent;
use crate::server::db::activity::{self, ActivityKind};
use crate::server::db::invoices::InvoiceDoc;
use crate::server::db::{email_jobs, usage};
use crate::server::state::AppState;

pub async fn note(state: &AppState, invoice: &InvoiceDoc, kind: ActivityKind, amount: i64) {
    if let Err(err) = activity::record(&state.db, invoice, kind, amount, DateTime::now()).await {
        tracing::warn!(error = %err, "recording invoice activity");
    }
}

pub async fn count(state: &AppState, event: UsageEvent) {
    usage::count_today(&state.db, event).await;
}

/// Cancels `which` of an invoice's scheduled emails, recording `reason` on each.
pub async fn stop_emails(
    state: &AppState,
    invoice: ObjectId,
    which: email_jobs::Cancel,
    reason: &str,
) {
    if let Err(err) = email_jobs::cancel_scheduled(&state.db, invoice, which, reason).await {
        tracing::warn!(error = %err, %invoice, reason, "cancelling scheduled emails");
    }
}
