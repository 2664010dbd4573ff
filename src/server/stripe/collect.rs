//! Getting paid through the user's own Stripe, around PayTrack's invoices: opening what the
//! client pays through when an invoice is sent, replacing it after a part payment, closing it
//! when the invoice is settled or voided, and recording what Stripe reports — from a webhook
//! or from reconciliation, through the same `settle`, so "paid" is recorded once whichever
//! path sees it first.

use mongodb::bson::DateTime;
use mongodb::bson::oid::ObjectId;

use super::api_key::StripeKey;
use super::client::{StripeApi, StripeProblem};
use super::payments::{self, Opening, PayState, Remote, StripePay};
use crate::domain::date::CalendarDate;
use crate::domain::email::EmailAddress;
use crate::domain::money::Money;
use crate::domain::payment::{Payment, PaymentMethod};
use crate::domain::status::{InvoiceEvent, InvoiceStatus};
use crate::error::AppError;
use crate::server::crypto::Purpose;
use crate::server::db::activity::{self, ActivityKind};
use crate::server::db::invoices::{self, InvoiceDoc};
use crate::server::db::stripe_connections::{self, StripeConnectionDoc};
use crate::server::db::users::UserDoc;
use crate::server::db::{clients, email_jobs};
use crate::server::email::{Email, invoice_emails, templates};
use crate::server::state::AppState;

/// A working connection with its key opened for this call.
pub struct Connected {
    pub connection: StripeConnectionDoc,
    pub key: StripeKey,
    pub api: StripeApi,
}

/// The user's connection, opened. `None`: no Stripe connected. A broken connection, or one
/// whose key no longer opens, is an error the user can act on.
pub async fn connected(state: &AppState, user: ObjectId) -> Result<Option<Connected>, AppError> {
    let Some(connection) = stripe_connections::of_user(&state.db, user)
        .await
        .map_err(|e| crate::server::db::user_facing("reading a Stripe connection", e))?
    else {
        return Ok(None);
    };
    if let Some(broken) = &connection.broken {
        return Err(AppError::Rejected(format!(
            "Your Stripe key stopped working ({}). Connect a new key on the Stripe page, or disconnect Stripe to send invoices without a payment link.",
            broken.reason.trim_end_matches('.')
        )));
    }
    let keyring = state.keyring.as_ref().ok_or_else(|| {
        tracing::error!("a Stripe connection exists but no master key is configured");
        AppError::Internal
    })?;
    let key = open_key(keyring, &connection)?;
    Ok(Some(Connected {
        connection,
        key,
        api: StripeApi::new(&state.config.stripe_api_base),
    }))
}

/// The user's key, opened for one call. A key that no longer opens (the master key it was
/// sealed under was removed) asks the user to connect again, with the cause logged.
pub fn open_key(
    keyring: &crate::server::crypto::Keyring,
    connection: &StripeConnectionDoc,
) -> Result<StripeKey, AppError> {
    let secret = keyring
        .open(connection.user_id, Purpose::StripeKey, &connection.key)
        .map_err(|err| {
            tracing::error!(error = %err, user = %connection.user_id, "a stored Stripe key does not open");
            AppError::Rejected(
                "PayTrack can no longer read your Stripe key. Connect it again on the Stripe page."
                    .to_string(),
            )
        })?;
    StripeKey::stored(secret).map_err(|_| AppError::Internal)
}

/// Records that Stripe refused the key: the connection is marked broken and the user told,
/// once. Other problems change nothing.
pub async fn note_problem(state: &AppState, connected: &Connected, problem: &StripeProblem) {
    if !problem.breaks_connection() {
        return;
    }
    let connection = &connected.connection;
    let changed = stripe_connections::mark_broken(
        &state.db,
        connection.user_id,
        &connection.key_last4,
        &problem.to_string(),
    )
    .await;
    match changed {
        Ok(true) => {}
        Ok(false) => return,
        Err(err) => {
            tracing::error!(error = %err, "marking a Stripe connection broken");
            return;
        }
    }
    let Ok(Some(user)) = crate::server::db::users::find(&state.db, connection.user_id).await else {
        return;
    };
    let rendered = templates::stripe_key_broken(
        &user.name,
        &connection.key_last4,
        &problem.to_string(),
        &format!("{}/stripe", state.config.base_url),
    );
    send_to(
        state,
        &user.email,
        None,
        rendered,
        "stripe_key_broken",
        format!("stripe-broken-{}-{}", connection.id, connection.key_last4),
    )
    .await;
}

async fn send_to(
    state: &AppState,
    to: &str,
    // On the user's behalf: their name on it, and replies go to them.
    on_behalf_of: Option<&UserDoc>,
    rendered: templates::Rendered,
    kind: &'static str,
    idempotency_key: String,
) {
    let Ok(to) = EmailAddress::parse(to) else {
        tracing::error!(kind, "stored address does not parse; email not sent");
        return;
    };
    let email = Email {
        to,
        cc: Vec::new(),
        sender_name: on_behalf_of.map(|user| user.name.clone()),
        reply_to: on_behalf_of.and_then(|user| EmailAddress::parse(&user.email).ok()),
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        kind,
        idempotency_key,
    };
    if let Err(err) = state.mailer.send(&email).await {
        tracing::warn!(error = %err, kind, "email not sent");
    }
}

/// What the client will pay `invoice` (about to be sent with public link `token`) through,
/// or `None` without Stripe. A Stripe failure stops the send with words to act on: an invoice
/// never goes out announcing a payment link it does not have.
pub async fn open_for_send(
    state: &AppState,
    user: &UserDoc,
    invoice: &InvoiceDoc,
    token: &str,
) -> Result<Option<StripePay>, AppError> {
    // Payment links are Pro: after a downgrade, invoices go out without one (nothing else of
    // the connection changes, and payments already under way are still recorded).
    if crate::server::limits::plan_of(state, user) == crate::domain::plan::Plan::Free {
        return Ok(None);
    }
    let Some(connected) = connected(state, user.id).await? else {
        return Ok(None);
    };
    let return_url = format!("{}/i/{token}", state.config.base_url);
    opened(state, &connected, invoice, &return_url)
        .await
        .map(Some)
        .map_err(|problem| {
            AppError::Rejected(format!(
                "The invoice was not sent, because Stripe could not make its payment link: {problem}"
            ))
        })
}

async fn opened(
    state: &AppState,
    connected: &Connected,
    invoice: &InvoiceDoc,
    return_url: &str,
) -> Result<StripePay, StripeProblem> {
    let account = &connected.connection.account_id;
    let customer = clients::get(&state.db, invoice.user_id, invoice.client_id)
        .await
        .ok()
        .flatten()
        .and_then(|client| {
            client
                .stripe_customers
                .into_iter()
                .find(|c| &c.account_id == account)
                .map(|c| c.customer_id)
        });
    let opening = Opening {
        account_id: account,
        mode: connected.connection.pay_with,
        invoice,
        return_url,
        customer: customer.as_deref(),
    };
    let result = payments::open(&connected.api, &connected.key, &opening).await;
    let (pay, new_customer) = match result {
        Ok(opened) => opened,
        Err(problem) => {
            note_problem(state, connected, &problem).await;
            return Err(problem);
        }
    };
    if let Some(customer_id) = new_customer.filter(|c| customer.as_ref() != Some(c))
        && let Err(err) = clients::add_stripe_customer(
            &state.db,
            invoice.user_id,
            invoice.client_id,
            account,
            &customer_id,
        )
        .await
    {
        tracing::warn!(error = %err, "keeping a client's Stripe customer");
    }
    Ok(pay)
}

/// Closes what `invoice` is paid through (it was voided, or paid another way). Best effort:
/// a failure is logged; a payment that still arrives is then recorded and shows up.
pub async fn close(state: &AppState, invoice: &InvoiceDoc) {
    let Some(pay) = invoice
        .stripe
        .as_ref()
        .filter(|p| p.state != PayState::Closed && p.state != PayState::Paid)
    else {
        return;
    };
    let connected = match connected(state, invoice.user_id).await {
        Ok(Some(connected)) if connected.connection.account_id == pay.account_id => connected,
        _ => return,
    };
    match payments::close(&connected.api, &connected.key, pay).await {
        // `mark` logs a failure; the link is closed in Stripe either way.
        Ok(()) => {
            let _ = mark(state, invoice, pay, PayState::Closed, None).await;
        }
        Err(problem) => {
            note_problem(state, &connected, &problem).await;
            tracing::warn!(invoice = %invoice.id, reason = %problem, "Stripe payment link not closed");
        }
    }
}

/// After a part payment outside Stripe: the old link (for the old amount) is closed and one
/// for what is still owed takes its place.
pub async fn replace(state: &AppState, user: &UserDoc, invoice: &InvoiceDoc) {
    let Some(old) = invoice.stripe.as_ref() else {
        return;
    };
    if old.amount_minor == invoice.due_minor || !invoice.status.is_collectable() {
        return;
    }
    close(state, invoice).await;
    let Ok(Some(connected)) = connected(state, user.id).await else {
        return;
    };
    let return_url = invoice
        .public_token
        .as_ref()
        .map(|token| format!("{}/i/{token}", state.config.base_url))
        .unwrap_or_else(|| state.config.base_url.clone());
    match opened(state, &connected, invoice, &return_url).await {
        Ok(pay) => {
            if let Err(err) =
                invoices::set_stripe(&state.db, user.id, invoice.id, Some(&pay), DateTime::now())
                    .await
            {
                tracing::error!(error = ?err, invoice = %invoice.id, "keeping a new payment link");
            }
        }
        Err(problem) => {
            tracing::warn!(invoice = %invoice.id, reason = %problem, "no new payment link after a part payment");
        }
    }
}

/// What `settle` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    Paid,
    Processing,
    Failed,
    Closed,
    /// Nothing new (already recorded, or still open).
    Unchanged,
}

/// Records what Stripe says about `invoice`'s payment. Safe to call again with the same news
/// (each change is conditional on the state it changes from).
pub async fn settle(
    state: &AppState,
    user: &UserDoc,
    invoice: &InvoiceDoc,
    remote: Remote,
) -> Result<Settled, AppError> {
    let Some(pay) = invoice.stripe.clone() else {
        return Ok(Settled::Unchanged);
    };
    match remote {
        Remote::Open => Ok(Settled::Unchanged),
        Remote::Paid {
            reference,
            amount_minor,
        } => {
            if invoice.status == InvoiceStatus::Paid || pay.state == PayState::Paid {
                return Ok(Settled::Unchanged);
            }
            if !invoice.status.is_collectable() {
                // Paid in Stripe after the invoice was voided here: the user must refund or
                // un-void by hand; the log says so.
                tracing::warn!(invoice = %invoice.id, "a Stripe payment arrived for an invoice that is not open");
                return Ok(Settled::Unchanged);
            }
            let paid = record_payment(state, user, invoice, amount_minor).await?;
            mark(state, invoice, &pay, PayState::Paid, Some(&reference)).await?;
            if let Err(err) = invoices::release_processing(&state.db, user.id, invoice.id).await {
                tracing::warn!(error = %err, "lifting a processing hold");
            }
            if let Some(paid) = paid {
                confirm(state, user, &paid, amount_minor).await;
            }
            Ok(Settled::Paid)
        }
        Remote::Processing { reference } => {
            if pay.state == PayState::Processing || !invoice.status.is_collectable() {
                return Ok(Settled::Unchanged);
            }
            mark(state, invoice, &pay, PayState::Processing, Some(&reference)).await?;
            invoices::hold_for_processing(&state.db, user.id, invoice.id, DateTime::now())
                .await
                .map_err(|e| crate::server::db::user_facing("holding reminders", e))?;
            if let Err(err) = email_jobs::cancel_scheduled(
                &state.db,
                invoice.id,
                email_jobs::Cancel::Reminders,
                "payment_processing",
            )
            .await
            {
                tracing::warn!(error = %err, "cancelling reminders while a payment settles");
            }
            note(
                state,
                invoice,
                ActivityKind::StripePaymentProcessing,
                pay.amount_minor,
            )
            .await;
            Ok(Settled::Processing)
        }
        Remote::Failed { reference } => {
            if pay.state == PayState::Failed && pay.reference.as_deref() == Some(reference.as_str())
            {
                return Ok(Settled::Unchanged);
            }
            mark(state, invoice, &pay, PayState::Failed, Some(&reference)).await?;
            note(
                state,
                invoice,
                ActivityKind::StripePaymentFailed,
                pay.amount_minor,
            )
            .await;
            // Chasing starts again where it stood.
            if let Ok(Some(released)) =
                invoices::release_processing(&state.db, user.id, invoice.id).await
                && let Err(err) =
                    crate::server::jobs::plan::replan(&state.db, user, &released).await
            {
                tracing::warn!(error = %err, "re-planning reminders after a failed payment");
            }
            Ok(Settled::Failed)
        }
        Remote::Voided => {
            if pay.state == PayState::Closed {
                return Ok(Settled::Unchanged);
            }
            mark(state, invoice, &pay, PayState::Closed, None).await?;
            Ok(Settled::Closed)
        }
    }
}

/// Moves the stored state of `invoice`'s Stripe payment.
async fn mark(
    state: &AppState,
    invoice: &InvoiceDoc,
    pay: &StripePay,
    to: PayState,
    reference: Option<&str>,
) -> Result<(), AppError> {
    invoices::set_pay_state(
        &state.db,
        invoice.user_id,
        invoice.id,
        &pay.object_id,
        to,
        reference,
    )
    .await
    .map(|_| ())
    .map_err(|err| {
        tracing::error!(error = ?err, ?to, "recording a Stripe payment's state");
        AppError::Internal
    })
}

async fn note(state: &AppState, invoice: &InvoiceDoc, kind: ActivityKind, amount: i64) {
    if let Err(err) = activity::record(&state.db, invoice, kind, amount, DateTime::now()).await {
        tracing::warn!(error = %err, "recording invoice activity");
    }
}

/// Adds the Stripe payment to the invoice (never more than is owed), retrying if the invoice
/// changed under it. Returns the paid invoice when this call paid it in full.
async fn record_payment(
    state: &AppState,
    user: &UserDoc,
    invoice: &InvoiceDoc,
    amount_minor: i64,
) -> Result<Option<InvoiceDoc>, AppError> {
    let today = crate::server::jobs::plan::local_date(
        jiff::Timestamp::now(),
        &crate::server::jobs::plan::zone_of(user),
    );
    let mut current = invoice.clone();
    for _ in 0..3 {
        if !current.status.is_collectable() {
            return Ok(None);
        }
        let amount = amount_minor.min(current.due_minor);
        let full = amount == current.due_minor;
        let event = if full {
            InvoiceEvent::FullPayment
        } else {
            InvoiceEvent::PartPayment
        };
        let to = current.status.apply(event).map_err(AppError::Rejected)?;
        let payment = Payment {
            amount: Money::from_minor(amount, current.currency),
            date: today,
            method: PaymentMethod::Stripe,
        };
        let saved = invoices::add_payment(
            &state.db,
            user.id,
            current.id,
            current.status,
            current.paid_minor,
            &payment,
            to,
            current.due_minor - amount,
            DateTime::now(),
        )
        .await
        .map_err(|err| {
            tracing::error!(error = ?err, "recording a Stripe payment");
            AppError::Internal
        })?;
        if let Some(saved) = saved {
            note(state, &saved, ActivityKind::PaymentRecorded, amount).await;
            if to == InvoiceStatus::Paid {
                note(
                    state,
                    &saved,
                    ActivityKind::PaidWithStripe,
                    saved.total_minor,
                )
                .await;
                crate::server::db::usage::count(
                    &state.db,
                    crate::domain::usage::UsageEvent::InvoicePaid,
                    crate::server::db::usage::today(),
                )
                .await;
                if let Err(err) = email_jobs::cancel_scheduled(
                    &state.db,
                    saved.id,
                    email_jobs::Cancel::All,
                    "paid",
                )
                .await
                {
                    tracing::warn!(error = %err, "cancelling emails of a paid invoice");
                }
                return Ok(Some(saved));
            }
            return Ok(None);
        }
        current = invoices::get(&state.db, user.id, invoice.id)
            .await
            .map_err(|e| crate::server::db::user_facing("reading an invoice", e))?
            .ok_or(AppError::Internal)?;
    }
    Err(AppError::Rejected(
        "The invoice kept changing while a Stripe payment was recorded.".to_string(),
    ))
}

/// "You got paid" to the user and a receipt to the client, each unless switched off.
async fn confirm(state: &AppState, user: &UserDoc, paid: &InvoiceDoc, amount_minor: i64) {
    let Ok(Some(connection)) = stripe_connections::of_user(&state.db, user.id).await else {
        return;
    };
    let amount = Money::from_minor(amount_minor, paid.currency).to_string();
    if connection.notify_paid {
        let rendered = templates::got_paid(
            &user.name,
            &paid.number,
            &paid.bill_to.name,
            &amount,
            &format!("{}/invoices/{}", state.config.base_url, paid.id.to_hex()),
        );
        send_to(
            state,
            &user.email,
            None,
            rendered,
            "got_paid",
            format!("paytrack-{}-got-paid", paid.id.to_hex()),
        )
        .await;
    }
    if connection.client_receipts
        && let Some(to) = paid.bill_to.emails.first()
    {
        let today: CalendarDate = paid.paid_on.unwrap_or(paid.issue_date);
        let facts = invoice_emails::InvoiceFacts::of(user, paid, &state.config.base_url, today);
        let rendered = invoice_emails::receipt_email(&facts, &amount, today);
        send_to(
            state,
            to,
            Some(user),
            rendered,
            "receipt",
            format!("paytrack-{}-receipt", paid.id.to_hex()),
        )
        .await;
    }
}
