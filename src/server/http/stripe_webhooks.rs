//! `POST /webhooks/stripe/connected/{hook id}`: payment events from a user's own Stripe
//! account. The opaque id in the path names the connection; the event is verified with that
//! connection's signing secret (Stripe-Signature, five-minute tolerance), handled once per
//! event id (`stripe_events`), and never trusted for a payment's state: the object is fetched
//! again from Stripe, so events arriving late, twice or out of order all end in what Stripe
//! says now. A refund or dispute event is recorded as it says (`payments::money_back`: what it
//! carries only ever grows). Accounts whose endpoint is missing or deaf hear of refunds and
//! disputes from their list of events instead (`payments::missed_events`), under the same ids.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use stripe_webhook::EventObject;

use super::webhooks::answer;
use crate::server::crypto::Purpose;
use crate::server::db::{self, invoices, users};
use crate::server::payments::money_back::{self, MoneyBack};
use crate::server::payments::retired_link::settle_retired;
use crate::server::payments::settle::settle;
use crate::server::state::AppState;
use crate::server::stripe::client::StripeProblem;
use crate::server::stripe::payments::{self, Remote};
use crate::server::stripe_account::{self, Connected};

/// What an event is about: a checkout session of a payment link, or a Stripe invoice.
enum Subject {
    Session {
        id: String,
        link: String,
        failed: bool,
    },
    Invoice {
        id: String,
        failed: bool,
    },
}

/// What an event tells PayTrack: where a payment stands, or that money went back.
enum News {
    Payment(Subject),
    MoneyBack(MoneyBack),
}

fn news_of(object: &EventObject) -> Option<News> {
    let session = |s: &stripe_shared::CheckoutSession, failed: bool| {
        s.payment_link.as_ref().map(|link| Subject::Session {
            id: s.id.as_str().to_string(),
            link: link.id().as_str().to_string(),
            failed,
        })
    };
    let invoice = |i: &stripe_shared::Invoice, failed: bool| {
        i.id.as_ref().map(|id| Subject::Invoice {
            id: id.as_str().to_string(),
            failed,
        })
    };
    let subject = match object {
        EventObject::CheckoutSessionCompleted(s)
        | EventObject::CheckoutSessionAsyncPaymentSucceeded(s) => session(s, false),
        EventObject::CheckoutSessionAsyncPaymentFailed(s) => session(s, true),
        EventObject::InvoicePaid(i) | EventObject::InvoiceVoided(i) => invoice(i, false),
        EventObject::InvoicePaymentFailed(i) => invoice(i, true),
        EventObject::ChargeRefunded(c) => {
            return Some(News::MoneyBack(MoneyBack::of_charge(c)));
        }
        EventObject::ChargeDisputeCreated(d)
        | EventObject::ChargeDisputeUpdated(d)
        | EventObject::ChargeDisputeFundsWithdrawn(d)
        | EventObject::ChargeDisputeFundsReinstated(d)
        | EventObject::ChargeDisputeClosed(d) => {
            return Some(News::MoneyBack(MoneyBack::of_dispute(d)));
        }
        _ => None,
    };
    subject.map(News::Payment)
}

pub async fn connected(
    State(state): State<AppState>,
    Path(hook_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !crate::server::auth::token::is_well_formed(&hook_id) {
        return answer(StatusCode::NOT_FOUND, "unknown endpoint");
    }
    let connection = match db::stripe_connections::by_hook_id(&state.db, &hook_id).await {
        Ok(Some(connection)) => connection,
        Ok(None) => return answer(StatusCode::NOT_FOUND, "unknown endpoint"),
        Err(err) => {
            db::user_facing("finding a Stripe connection", err);
            return answer(StatusCode::SERVICE_UNAVAILABLE, "try again");
        }
    };
    let (Some(webhook), Some(keyring)) = (&connection.webhook, state.keyring.as_ref()) else {
        return answer(StatusCode::NOT_FOUND, "no signing secret for this endpoint");
    };
    let secret = match keyring.open(
        connection.user_id,
        Purpose::StripeWebhookSecret,
        &webhook.secret,
    ) {
        Ok(secret) => secret,
        Err(err) => {
            tracing::error!(error = %err, user = %connection.user_id, "a webhook signing secret does not open");
            return answer(StatusCode::SERVICE_UNAVAILABLE, "try again");
        }
    };
    let prefix = connection.event_prefix();
    let owner = connection.user_id;
    let state = &state;
    super::stripe_events::handle(state, &headers, &body, secret.expose(), &prefix, |event| {
        let news = news_of(&event.data.object);
        async move {
            match news {
                None => Ok("ignored"),
                Some(News::MoneyBack(news)) => money_back::record(state, owner, &news)
                    .await
                    .map(|recorded| recorded.answer()),
                Some(News::Payment(subject)) => act(state, owner, subject).await,
            }
        }
    })
    .await
}

/// The invoice `subject` belongs to, and whether it came through a payment link the invoice
/// has since replaced.
async fn invoice_of(
    state: &AppState,
    owner: mongodb::bson::oid::ObjectId,
    subject: &Subject,
) -> Result<Option<(invoices::InvoiceDoc, bool)>, mongodb::error::Error> {
    let object = match subject {
        Subject::Session { link, .. } => link,
        Subject::Invoice { id, .. } => id,
    };
    if let Some(invoice) = invoices::by_stripe_object(&state.db, owner, object).await? {
        return Ok(Some((invoice, false)));
    }
    let Subject::Session { link, .. } = subject else {
        return Ok(None);
    };
    let retired = invoices::by_retired_link(&state.db, owner, link).await?;
    Ok(retired.map(|invoice| (invoice, true)))
}

/// Re-reads the subject from Stripe and records what it says on the invoice it belongs to.
async fn act(
    state: &AppState,
    owner: mongodb::bson::oid::ObjectId,
    subject: Subject,
) -> Result<&'static str, String> {
    let (invoice, retired) = match invoice_of(state, owner, &subject).await {
        Ok(Some(found)) => found,
        // A payment link or invoice made outside PayTrack, or of an invoice since deleted.
        Ok(None) => return Ok("not a PayTrack invoice"),
        Err(err) => return Err(err.to_string()),
    };
    let user = match users::find(&state.db, owner).await {
        Ok(Some(user)) => crate::server::limits::apply(state, user),
        Ok(None) => return Ok("no such user"),
        Err(err) => return Err(err.to_string()),
    };
    let connected: Connected = match stripe_account::connected(state, owner).await {
        Ok(Some(connected)) => connected,
        Ok(None) => return Ok("Stripe is disconnected"),
        Err(err) => return Err(err.to_string()),
    };
    let fresh = match (&subject, &invoice.stripe) {
        (Subject::Session { id, link, .. }, _) if retired => {
            payments::retired_session_status(&connected.api, &connected.key, id, link).await
        }
        (Subject::Session { id, .. }, Some(pay)) => {
            payments::session_status(&connected.api, &connected.key, id, pay).await
        }
        (Subject::Invoice { .. }, Some(pay)) => {
            payments::status(&connected.api, &connected.key, pay).await
        }
        (_, None) => return Ok("not a PayTrack invoice"),
    };
    let remote = match fresh {
        Ok(remote) => remote,
        // Not in the account (an event about something since deleted, or a forgery with a
        // leaked secret): nothing to record, and a redelivery would not change that.
        Err(StripeProblem::NotFound) => return Ok("not found in Stripe"),
        Err(problem) => {
            stripe_account::note_problem(state, &connected, &problem).await;
            return Err(problem.to_string());
        }
    };
    // A failure event names the attempt that failed; the object read now says only "not paid".
    let remote = match (&subject, remote) {
        (
            Subject::Session {
                id, failed: true, ..
            },
            Remote::Processing { .. } | Remote::Open,
        ) => Remote::Failed {
            reference: id.clone(),
        },
        (Subject::Invoice { id, failed: true }, Remote::Open) => Remote::Failed {
            reference: id.clone(),
        },
        (_, remote) => remote,
    };
    let settled = if retired {
        settle_retired(state, &user, &invoice, remote).await
    } else {
        settle(state, &user, &invoice, remote).await
    };
    settled.map(|_| "handled").map_err(|err| err.to_string())
}
