//! An invoice's life after the draft: sending it (its payment link first, then the status,
//! then the email), voiding it, writing off what is left, and replacing the client's link.

use mongodb::bson::DateTime;
use mongodb::bson::oid::ObjectId;

use super::effects::{count, note, stop_emails};
use super::{changed_meanwhile, load};
use crate::domain::pay_way::PayWay;
use crate::domain::plan::Plan;
use crate::domain::status::{InvoiceEvent, InvoiceStatus};
use crate::domain::usage::UsageEvent;
use crate::error::AppError;
use crate::server::db::activity::ActivityKind;
use crate::server::db::invoices::{self, InvoiceDoc};
use crate::server::db::users::UserDoc;
use crate::server::db::{self, email_jobs};
use crate::server::payments::links;
use crate::server::state::AppState;

/// Sends a draft to its client: its payment link first, then the status, then its email,
/// before the answer.
pub async fn send(state: &AppState, user: &UserDoc, id: ObjectId) -> Result<InvoiceDoc, AppError> {
    send_then(state, user, id, InvoiceEmail::Now).await
}

/// When a sent invoice's email goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceEmail {
    /// Before the answer: the user sees at once whether it went.
    Now,
    /// Only onto the schedule: the caller sends it after answering (several invoices at once,
    /// whose emails together would hold the answer for as long as Resend takes them).
    Scheduled,
}

/// `send`, its email going when `email` says.
pub async fn send_then(
    state: &AppState,
    user: &UserDoc,
    id: ObjectId,
    email: InvoiceEmail,
) -> Result<InvoiceDoc, AppError> {
    let invoice = load(state, user.id, id).await?;
    invoice
        .status
        .apply(InvoiceEvent::Send)
        .map_err(AppError::Rejected)?;
    if invoice.total_minor <= 0 {
        return Err(AppError::Rejected(
            "This invoice adds up to nothing, so there is nothing to collect. Add a line with a price first."
                .to_string(),
        ));
    }
    let fresh = crate::server::auth::token::random()?;
    let token = invoices::send_token(&state.db, &invoice, &fresh)
        .await
        .map_err(|e| db::user_facing("sending an invoice", e))?
        .ok_or_else(changed_meanwhile)?;
    let reply_token = crate::server::chasing::replies::new_token().map_err(|err| {
        tracing::error!(error = %err, "the operating system's random source failed");
        AppError::Internal
    })?;
    // What the client pays through is made first: an invoice never goes out announcing a
    // payment link it does not have. A retry after a failure asks Stripe the same (the token
    // is kept from the first try), so the idempotency keys give back what that try made.
    let stripe = links::open_for_send(state, user, &invoice, &token).await?;
    let sent = invoices::mark_sent(
        &state.db,
        (user.id, id),
        &invoices::SellerDoc::of(user),
        (&token, &reply_token),
        stripe.as_ref(),
        DateTime::now(),
    )
    .await
    .map_err(|e| e.user_facing("sending an invoice"))?
    .ok_or_else(changed_meanwhile)?;
    note(state, &sent, ActivityKind::Sent, sent.total_minor).await;
    count(state, UsageEvent::InvoiceSent).await;
    // The invoice is sent whatever the email does: a failed send is retried by the
    // engine, and the invoice page shows how it went. One that never reached the schedule
    // is put there by the engine's sweep.
    let emailed = match email {
        InvoiceEmail::Now => state
            .engine
            .send_invoice_email(user.id, sent.id)
            .await
            .map(drop),
        InvoiceEmail::Scheduled => state.engine.schedule_invoice_email(user.id, sent.id).await,
    };
    if let Err(err) = emailed {
        tracing::error!(error = %err, invoice = %sent.id, "sending the invoice email");
    }
    Ok(sent)
}

/// How a draft's client will be able to pay once it is sent; `None` for an invoice already
/// sent, whose document says how. Follows `links::open_for_send`: a payment page needs Pro
/// and a working Stripe connection.
pub async fn pay_way(
    state: &AppState,
    user: &UserDoc,
    invoice: &InvoiceDoc,
) -> Result<Option<PayWay>, AppError> {
    if invoice.status != InvoiceStatus::Draft {
        return Ok(None);
    }
    pay_way_now(state, user).await.map(Some)
}

/// How any invoice this user sends now can be paid: it depends on the account alone (plan,
/// Stripe connection, bank details), so several drafts sent together share one answer.
pub async fn pay_way_now(state: &AppState, user: &UserDoc) -> Result<PayWay, AppError> {
    let on_pro = crate::server::limits::plan_of(state, user) == Plan::Pro;
    let links = on_pro
        && crate::server::stripe_account::connection_of(state, user.id)
            .await?
            .is_some_and(|connection| connection.broken.is_none());
    let bank_details = user
        .business
        .as_ref()
        .is_some_and(|business| business.payment_instructions.is_some());
    Ok(PayWay::of(links, bank_details, on_pro))
}

/// Cancels an invoice nothing was paid on. A sent one gets a credit note (numbered CN-…) in
/// the same write, emailed to the client with its PDF.
pub async fn void(state: &AppState, user: &UserDoc, id: ObjectId) -> Result<InvoiceDoc, AppError> {
    let voided = void_leaving_email(state, user, id).await?;
    match voided.credit_note.clone() {
        Some(note) => Ok(super::credit_notes::email_to_client(state, user, voided, &note).await),
        None => Ok(voided),
    }
}

/// `void`, but its credit note (if it has one) is for the caller to email (or, a few minutes
/// on, the engine).
pub async fn void_leaving_email(
    state: &AppState,
    user: &UserDoc,
    id: ObjectId,
) -> Result<InvoiceDoc, AppError> {
    let invoice = load(state, user.id, id).await?;
    invoice
        .status
        .apply(InvoiceEvent::Void)
        .map_err(AppError::Rejected)?;
    if let Some(reduced) = invoice.reductions.first() {
        return Err(AppError::Rejected(format!(
            "Credit note {} already reduced this invoice, so it can't be voided: take off what is left with another credit note instead.",
            reduced.number
        )));
    }
    // The client has a sent invoice: its cancellation is a credit note (a draft never left).
    let credit_note_on =
        (invoice.status == InvoiceStatus::Open).then(|| crate::server::jobs::plan::today_of(user));
    let voided = invoices::mark_void(
        &state.db,
        user.id,
        id,
        invoice.status,
        DateTime::now(),
        credit_note_on,
    )
    .await
    .map_err(db::failed("voiding an invoice"))?
    .ok_or_else(changed_meanwhile)?;
    note(state, &voided, ActivityKind::Voided, voided.total_minor).await;
    stop_emails(state, voided.id, email_jobs::Cancel::All, "void").await;
    crate::server::payments::closing::close(state, user, &voided).await;
    Ok(voided)
}

/// Stops expecting what is left of a sent invoice (the client won't or can't pay it): no more
/// reminders, the Stripe link closes, the client's link stops working, and it no longer counts
/// as owed. Payments already made stay. Refused while a Stripe payment is on its way, which
/// would otherwise arrive on an invoice that no longer expects it.
pub async fn write_off(
    state: &AppState,
    user: &UserDoc,
    id: ObjectId,
) -> Result<InvoiceDoc, AppError> {
    let invoice = load(state, user.id, id).await?;
    invoice
        .status
        .apply(InvoiceEvent::WriteOff)
        .map_err(AppError::Rejected)?;
    if invoice.stripe_payment_processing() {
        return Err(AppError::Rejected(
            "A payment is on its way through Stripe: wait until it arrives or fails before writing off what is left."
                .to_string(),
        ));
    }
    let written_off =
        invoices::mark_written_off(&state.db, user.id, id, invoice.status, DateTime::now())
            .await
            .map_err(db::failed("writing an invoice off"))?
            .ok_or_else(changed_meanwhile)?;
    note(
        state,
        &written_off,
        ActivityKind::WrittenOff,
        written_off.due_minor,
    )
    .await;
    stop_emails(
        state,
        written_off.id,
        email_jobs::Cancel::All,
        "written off",
    )
    .await;
    crate::server::payments::closing::close(state, user, &written_off).await;
    crate::server::pay_habits::refresh(state, user, written_off.client_id).await;
    Ok(written_off)
}

/// A new link for the client (the old one stops working), e.g. after it was forwarded by
/// mistake. The payment link is pointed at it first: paying, a client returns to their page.
pub async fn replace_public_link(
    state: &AppState,
    user: &UserDoc,
    id: ObjectId,
) -> Result<InvoiceDoc, AppError> {
    let invoice = load(state, user.id, id).await?;
    if !invoice.status.is_collectable() {
        return Err(AppError::Rejected(
            "Only sent, unpaid invoices have a link for the client.".to_string(),
        ));
    }
    let token = crate::server::auth::token::random()?;
    links::return_to(state, &invoice, &token).await?;
    invoices::replace_public_token(&state.db, user.id, id, &token, DateTime::now())
        .await
        .map_err(db::failed("replacing an invoice link"))?
        .ok_or_else(|| AppError::Rejected("This invoice was paid or voided meanwhile.".to_string()))
}
