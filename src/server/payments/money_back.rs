//! Money going back to a payer, as Stripe tells it — in a webhook event or in the account's own
//! list of events (`missed_events`): how much of a charge is refunded so far, or where a dispute
//! of it stands. Both only ever grow (the refunded total, the dispute's money moves), so news
//! heard twice, late, or both ways changes nothing the second time.

use mongodb::bson::oid::ObjectId;

use super::disputes::{DisputeNews, Disputed, record_dispute};
use super::refunds::{Refunded, record_refund};
use crate::server::db::users;
use crate::server::state::AppState;

/// What one event says about money going back.
#[derive(Debug, Clone)]
pub enum MoneyBack {
    Refund {
        /// `None` for a charge without a PaymentIntent (not one PayTrack's links or invoices made).
        payment_intent: Option<String>,
        refunded_minor: i64,
    },
    /// `None` for a dispute of a charge without a PaymentIntent.
    Dispute(Option<DisputeNews>),
}

impl MoneyBack {
    /// A `charge.refunded` event's charge.
    pub fn of_charge(charge: &stripe_shared::Charge) -> MoneyBack {
        MoneyBack::Refund {
            payment_intent: charge
                .payment_intent
                .as_ref()
                .map(|p| p.id().as_str().to_string()),
            refunded_minor: charge.amount_refunded,
        }
    }

    /// A `charge.dispute.*` event's dispute.
    pub fn of_dispute(dispute: &stripe_shared::Dispute) -> MoneyBack {
        MoneyBack::Dispute(dispute.payment_intent.as_ref().map(|intent| {
            DisputeNews {
                id: dispute.id.as_str().to_string(),
                payment_intent: intent.id().as_str().to_string(),
                amount_minor: dispute.amount,
                status: dispute.status.as_str().to_string(),
                moves: u8::try_from(dispute.balance_transactions.len().min(2)).unwrap_or(2),
                respond_by: dispute
                    .evidence_details
                    .due_by
                    .map(|at| mongodb::bson::DateTime::from_millis(at.saturating_mul(1000))),
            }
        }))
    }
}

/// What came of news of money going back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// An invoice changed.
    Changed,
    /// Known already.
    NothingNew,
    /// Not about a payment PayTrack recorded for this user.
    NotOurs,
}

impl Recorded {
    /// What a webhook answers Stripe.
    pub fn answer(self) -> &'static str {
        match self {
            Recorded::Changed => "handled",
            Recorded::NothingNew => "nothing new",
            Recorded::NotOurs => "not a PayTrack payment",
        }
    }
}

/// Records `news` on the invoice of `owner` whose payment it is about. Taken from the event
/// rather than read again, which would need a key allowed to read charges and disputes.
/// `Err`: PayTrack could not record it now (try again later).
pub async fn record(
    state: &AppState,
    owner: ObjectId,
    news: &MoneyBack,
) -> Result<Recorded, String> {
    let user = match users::find(&state.db, owner).await {
        Ok(Some(user)) => user,
        Ok(None) => return Ok(Recorded::NotOurs),
        Err(err) => return Err(err.to_string()),
    };
    match news {
        MoneyBack::Refund {
            payment_intent: Some(payment_intent),
            refunded_minor,
        } => match record_refund(state, &user, payment_intent, *refunded_minor).await {
            Ok(Refunded::Unchanged) => Ok(Recorded::NothingNew),
            Ok(_) => Ok(Recorded::Changed),
            Err(err) => Err(err.to_string()),
        },
        MoneyBack::Dispute(Some(news)) => match record_dispute(state, &user, news).await {
            Ok(Disputed::Unchanged) => Ok(Recorded::NothingNew),
            Ok(_) => Ok(Recorded::Changed),
            Err(err) => Err(err.to_string()),
        },
        MoneyBack::Refund { .. } | MoneyBack::Dispute(None) => Ok(Recorded::NotOurs),
    }
}
