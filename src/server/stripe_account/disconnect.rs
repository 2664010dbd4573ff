//! Letting go of a Stripe account: every payment link that could still take money closed
//! first, then the connection and its sealed key deleted, the endpoint PayTrack registered
//! removed, and the owner told.

use mongodb::bson::DateTime;

use futures::FutureExt;

use super::{api, connected, connection_of, keyring, open_key};
use crate::domain::stripe_pay::PayState;
use crate::error::AppError;
use crate::server::crypto::Keyring;
use crate::server::db;
use crate::server::db::invoices;
use crate::server::db::stripe_connections::{self, StripeConnectionDoc};
use crate::server::db::users::UserDoc;
use crate::server::payments::closing::{Closing, close_with};
use crate::server::payments::pay_state::mark;
use crate::server::state::AppState;
use crate::server::stripe::client::StripeProblem;

pub async fn disconnect(state: &AppState, user: &UserDoc) -> Result<(), AppError> {
    let Some(connection) = connection_of(state, user.id).await? else {
        return Ok(());
    };
    let left_open = close_open_links(state, user, &connection).await?;
    let Some(connection) = stripe_connections::delete(&state.db, user.id)
        .await
        .map_err(db::failed("disconnecting Stripe"))?
    else {
        return Ok(());
    };
    if let Ok(keyring) = keyring(state) {
        remove_webhook(state, &keyring, &connection).await;
    }
    let mut body = format!(
        "Your Stripe account {} ({}) was disconnected from PayTrack and the key ending in {} was deleted. Invoices you send now have no payment link. If this wasn't you, sign out everywhere from your account page.",
        connection.account_name, connection.account_id, connection.key_last4
    );
    if !left_open.is_empty() {
        body.push_str(&format!(
            "\n\nStripe refused the key, so PayTrack could not close the payment links of {}. They may still take payments that PayTrack will not see: deactivate them in your Stripe dashboard (Payment Links).",
            left_open.join(", ")
        ));
    }
    crate::server::auth::notices::stripe_changed(state, user, &body, DateTime::now()).await;
    Ok(())
}

/// Closes every payment link of the connection that could still take money, before the key
/// goes: afterwards PayTrack could neither close them nor see what is paid through them. If
/// Stripe cannot be reached, nothing is disconnected (the user tries again). If Stripe refuses
/// the key, the links cannot be closed by anyone but the user: they stop being offered, and
/// their invoice numbers are returned for the notice.
async fn close_open_links(
    state: &AppState,
    user: &UserDoc,
    connection: &StripeConnectionDoc,
) -> Result<Vec<String>, AppError> {
    let space = (connection.account_id.as_str(), connection.livemode);
    let open = invoices::taking_payments(&state.db, user.id, space)
        .await
        .map_err(db::failed("reading open payment links"))?;
    if open.is_empty() {
        return Ok(Vec::new());
    }
    let connected = connected(state, user.id).await.ok().flatten();
    let mut closings = Vec::with_capacity(open.len());
    // A few at a time: each is two calls to Stripe.
    for group in open.chunks(4) {
        let closing = group.iter().filter_map(|invoice| {
            let pay = invoice.stripe.as_ref()?;
            let connected = connected.as_ref();
            // Boxed so the compiler sees a `Send` future for these exact lifetimes.
            Some(
                async move {
                    let closed = match connected {
                        Some(connected) => close_with(state, connected, user, invoice, pay).await,
                        None => Closing::Failed(StripeProblem::RevokedKey),
                    };
                    (invoice, pay, closed)
                }
                .boxed(),
            )
        });
        closings.extend(futures::future::join_all(closing).await);
    }
    let mut unreachable = 0;
    let mut left_open = Vec::new();
    for (invoice, pay, closed) in closings {
        match closed {
            Closing::Closed => {}
            Closing::Failed(problem) if problem.is_transient() => unreachable += 1,
            Closing::Failed(_) => {
                mark(state, invoice, pay, PayState::Closed, None).await?;
                left_open.push(invoice.number.clone());
            }
        }
    }
    if unreachable > 0 {
        return Err(AppError::Rejected(format!(
            "Stripe could not be reached to close {unreachable} open payment link(s), so nothing was disconnected (the links would otherwise stay payable without PayTrack seeing it). Please try again in a minute."
        )));
    }
    left_open.sort();
    Ok(left_open)
}

/// Removes the endpoint PayTrack registered with `connection`'s key. Best effort: the key
/// may already be revoked, and the endpoint then fails harmlessly at Stripe.
pub async fn remove_webhook(state: &AppState, keyring: &Keyring, connection: &StripeConnectionDoc) {
    let Some(endpoint) = connection
        .webhook
        .as_ref()
        .and_then(|w| w.endpoint_id.as_ref())
    else {
        return;
    };
    let Ok(key) = open_key(keyring, connection) else {
        return;
    };
    if let Err(problem) =
        crate::server::stripe::account::remove_endpoint(&api(state), &key, endpoint).await
    {
        tracing::warn!(user = %connection.user_id, reason = %problem, "webhook endpoint not removed");
    }
}
