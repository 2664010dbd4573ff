//! `POST /webhooks/stripe/billing`: PayTrack's own subscriptions. Verified with PayTrack's
//! signing secret (`STRIPE_WEBHOOK_SECRET`), handled once per event id, and never trusting
//! the event's copy of the subscription: it is read again from Stripe, so a replayed or
//! out-of-order event leaves the user's plan where Stripe says it is now.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use mongodb::bson::oid::ObjectId;
use stripe_webhook::EventObject;

use super::webhooks::answer;
use crate::server::db::users;
use crate::server::state::AppState;
use crate::server::stripe::billing::PayTrackStripe;
use crate::server::stripe::client::StripeProblem;

/// Which subscription an event is about, and whose, as far as the event says.
struct About {
    subscription: Option<String>,
    user: Option<String>,
    customer: Option<String>,
}

fn about(object: &EventObject) -> Option<About> {
    match object {
        EventObject::CheckoutSessionCompleted(s)
            if s.mode == stripe_shared::CheckoutSessionMode::Subscription =>
        {
            Some(About {
                subscription: s.subscription.as_ref().map(|x| x.id().as_str().to_string()),
                user: s.client_reference_id.clone(),
                customer: s.customer.as_ref().map(|c| c.id().as_str().to_string()),
            })
        }
        EventObject::CustomerSubscriptionCreated(sub)
        | EventObject::CustomerSubscriptionUpdated(sub)
        | EventObject::CustomerSubscriptionDeleted(sub) => Some(About {
            subscription: Some(sub.id.as_str().to_string()),
            user: sub.metadata.get("paytrack_user").cloned(),
            customer: Some(sub.customer.id().as_str().to_string()),
        }),
        EventObject::InvoicePaid(invoice) | EventObject::InvoicePaymentFailed(invoice) => {
            Some(About {
                subscription: None,
                user: None,
                customer: invoice
                    .customer
                    .as_ref()
                    .map(|c| c.id().as_str().to_string()),
            })
        }
        _ => None,
    }
}

pub async fn billing(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let (Some(secret), Some(stripe)) = (
        state.config.secrets.stripe_webhook_secret.as_ref(),
        PayTrackStripe::from_config(&state.config),
    ) else {
        return answer(StatusCode::NOT_FOUND, "billing webhooks are not configured");
    };
    let (state, stripe) = (&state, &stripe);
    super::stripe_events::handle(
        state,
        &headers,
        &body,
        secret.expose(),
        "stripe-billing",
        |event| {
            let about = about(&event.data.object);
            async move {
                match about {
                    None => Ok("ignored"),
                    Some(about) => apply(state, stripe, about).await,
                }
            }
        },
    )
    .await
}

async fn apply(
    state: &AppState,
    stripe: &PayTrackStripe,
    about: About,
) -> Result<&'static str, String> {
    // The user: named on the event, or known by their customer.
    let known = match &about.customer {
        Some(customer) => users::by_billing_customer(&state.db, customer)
            .await
            .map_err(|e| e.to_string())?,
        None => None,
    };
    let named = about
        .user
        .as_deref()
        .and_then(|id| ObjectId::parse_str(id).ok());
    let user = match (named, &known) {
        (Some(id), _) => users::find(&state.db, id)
            .await
            .map_err(|e| e.to_string())?,
        (None, Some(user)) => Some(user.clone()),
        (None, None) => None,
    };
    let Some(user) = user else {
        return Ok("no such user");
    };
    let subscription = about.subscription.or_else(|| {
        user.billing
            .as_ref()
            .and_then(|b| b.subscription_id.clone())
    });
    let Some(subscription) = subscription else {
        return Ok("no subscription yet");
    };
    let read = match stripe.subscription(&subscription).await {
        Ok(read) => read,
        Err(StripeProblem::NotFound) => return Ok("no such subscription"),
        Err(problem) => return Err(problem.to_string()),
    };
    // A subscription bought for someone else is never attached to this user.
    if read
        .user
        .as_deref()
        .is_some_and(|owner| owner != user.id.to_hex())
    {
        tracing::warn!(user = %user.id, "a subscription's owner does not match the event's user");
        return Ok("subscription of another user");
    }
    users::store_subscription(
        &state.db,
        user.id,
        &read.customer,
        &read.id,
        &read.subscription,
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok("handled")
}
