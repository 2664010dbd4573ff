//! The user's data rights: everything PayTrack holds about them as one JSON file, and the
//! deletion of the account with every record, billing stopped first and a receipt after.

use mongodb::bson::{Bson, DateTime};

use crate::server::db::{self, users::UserDoc};
use crate::server::email::{notify, templates};
use crate::server::state::AppState;

/// A download of the user's data.
pub struct Export {
    pub filename: String,
    pub json: String,
}

/// Why an account was not deleted; nothing of it is gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// The typed confirmation is not the account's address.
    NotConfirmed,
    /// PayTrack's Stripe could not cancel the subscription: deleting would leave it charging.
    BillingNotStopped,
    /// The database could not be read or written.
    Unavailable,
}

fn rfc3339(at: DateTime) -> String {
    at.try_to_rfc3339_string()
        .unwrap_or_else(|_| at.timestamp_millis().to_string())
}

/// Everything PayTrack holds about `user`, secrets excepted, as of `now`.
pub async fn export(state: &AppState, user: &UserDoc, now: DateTime) -> Result<Export, Kept> {
    let data = db::account_data::export(&state.db, user)
        .await
        .map_err(|err| {
            tracing::warn!(error = %err, "export failed");
            Kept::Unavailable
        })?;
    let body = serde_json::json!({
        "format": "paytrack-export/1",
        "exported_at": rfc3339(now),
        "account": user.email,
        "data": Bson::Document(data).into_relaxed_extjson(),
    });
    let date: String = rfc3339(now).chars().take(10).collect();
    Ok(Export {
        filename: format!("paytrack-export-{date}.json"),
        json: serde_json::to_string_pretty(&body).map_err(|_| Kept::Unavailable)?,
    })
}

/// Deletes `user` and every document of theirs (their sessions among them) once `confirmation`
/// is their address; returns how many records went.
pub async fn delete(
    state: &AppState,
    user: &UserDoc,
    confirmation: &str,
    now: DateTime,
) -> Result<u64, Kept> {
    if !confirmation.trim().eq_ignore_ascii_case(&user.email) {
        return Err(Kept::NotConfirmed);
    }
    stop_billing(state, user).await?;
    // PayTrack's webhook endpoint goes from the user's Stripe account first, while the key
    // that can remove it still exists (best effort: a revoked key cannot).
    if let (Ok(Some(connection)), Some(keyring)) = (
        db::stripe_connections::of_user(&state.db, user.id).await,
        state.keyring.as_ref(),
    ) {
        crate::server::stripe_account::disconnect::remove_webhook(state, keyring, &connection)
            .await;
    }
    let records = db::account_data::delete(&state.db, user)
        .await
        .map_err(|err| {
            tracing::error!(error = %err, user = %user.id, "account deletion failed part-way");
            Kept::Unavailable
        })?;
    tracing::info!(user = %user.id, records, "account deleted");
    // Told "deleted" only once no server's session cache still lets the account in.
    tokio::time::sleep(crate::server::auth::session_cache::STALE_AT_MOST).await;
    let receipt = templates::deletion_receipt(&user.email, &rfc3339(now), records);
    let key = format!("deletion-receipt-{}", user.id);
    notify::send_to(state, &user.email, None, receipt, "deletion_receipt", key).await;
    Ok(records)
}

/// A deleted account must never be charged again: if PayTrack's Stripe cannot cancel the
/// subscription, nothing is deleted and the user is asked to try again.
async fn stop_billing(state: &AppState, user: &UserDoc) -> Result<(), Kept> {
    let subscription = user
        .billing
        .as_ref()
        .and_then(|b| b.subscription_id.as_ref());
    let stripe = crate::server::stripe::billing::PayTrackStripe::from_config(&state.config);
    let (Some(subscription), Some(stripe)) = (subscription, stripe) else {
        return Ok(());
    };
    stripe.cancel_now(subscription).await.map_err(|problem| {
        tracing::error!(user = %user.id, reason = %problem, "subscription not canceled; account kept");
        Kept::BillingNotStopped
    })
}
