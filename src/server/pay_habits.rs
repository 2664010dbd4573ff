//! How each client pays: worked out from their invoices when their page is read and after
//! each invoice of theirs is paid, kept on the client so the dashboard can list the clients
//! who pay latest from the clients alone.

use mongodb::bson::oid::ObjectId;

use crate::domain::pay_habits::{LastReply, LatePayer, PaidInvoice, PayHabits, latest_paid};
use crate::error::AppError;
use crate::server::db::users::UserDoc;
use crate::server::db::{self, late_payers, pay_habits, replies};
use crate::server::jobs::plan::{from_bson, today_of};
use crate::server::state::AppState;

/// The longest excerpt of a reply a client's page shows.
const EXCERPT_CHARS: usize = 280;

/// The client's record as of today (kept on the client when it changed) and the invoices they
/// paid last, latest first.
pub async fn of_client(
    state: &AppState,
    user: &UserDoc,
    client: ObjectId,
    kept: Option<&PayHabits>,
) -> Result<(PayHabits, Vec<PaidInvoice>), AppError> {
    let records = pay_habits::records_of_client(&state.db, user.id, client)
        .await
        .map_err(db::failed("reading how a client pays"))?;
    let habits = pay_habits::habits(&records, today_of(user));
    if kept != Some(&habits)
        && let Err(err) = pay_habits::store(&state.db, user.id, client, &habits).await
    {
        tracing::warn!(error = %err, client = %client, "a client's payment record was not kept");
    }
    let paid = records.iter().filter_map(|r| r.paid_invoice()).collect();
    Ok((habits, latest_paid(paid)))
}

/// Works the client's record out again after one of their invoices was paid. Best effort:
/// the client's page works it out again anyway.
pub async fn refresh(state: &AppState, user: &UserDoc, client: ObjectId) {
    if let Err(err) = of_client(state, user, client, None).await {
        tracing::warn!(error = %err, client = %client, "a client's payment record is stale");
    }
}

/// The last reply the client wrote, as their page shows it.
pub async fn last_reply(
    state: &AppState,
    user: &UserDoc,
    client: ObjectId,
) -> Result<Option<LastReply>, AppError> {
    let reply = replies::latest_of_client(&state.db, user.id, client)
        .await
        .map_err(db::failed("reading a client's last reply"))?;
    let Some(reply) = reply else {
        return Ok(None);
    };
    let number = crate::server::db::invoices::get(&state.db, user.id, reply.invoice_id)
        .await
        .map_err(db::failed("reading a client's last reply"))?
        .map(|i| i.number)
        .unwrap_or_default();
    let text = reply.text.trim();
    let mut excerpt: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS {
        excerpt.push('…');
    }
    Ok(Some(LastReply {
        when: crate::server::jobs::plan::local_moment(from_bson(reply.received_at), user),
        invoice_number: number,
        excerpt,
    }))
}

/// The user's clients who pay latest, latest first.
pub async fn latest_payers(state: &AppState, user: &UserDoc) -> Result<Vec<LatePayer>, AppError> {
    let clients = late_payers::of_user(&state.db, user.id)
        .await
        .map_err(db::failed("listing the clients who pay latest"))?;
    Ok(clients
        .into_iter()
        .map(|client| LatePayer {
            client_id: client.id.to_hex(),
            name: client.name,
            habits: client.habits,
        })
        .collect())
}
