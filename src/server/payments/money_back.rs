//! Money going back to a payer, as Stripe tells it — in a webhook event or in the account's own
//! list of events (`missed_events`): how much of a charge is refunded so far, or where a dispute
//! of it stands. Both only ever grow (the refunded total, the dispute's money moves), so news
//! heard twice, late, or both ways changes nothing the second time.

use miniserde::json::{Number, Value};
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

    /// What an event of `kind` says, from its object as the account's list of events gives
    /// it: drawn in the account's API version, which may lack fields a newer one requires
    /// (async-stripe's types would refuse it), while the few read here have long been there.
    /// `None`: not such an event, or one without them.
    pub fn of_object(kind: &str, object: &Value) -> Option<MoneyBack> {
        if kind == "charge.refunded" {
            return Some(MoneyBack::Refund {
                payment_intent: id_in(field(object, "payment_intent")),
                refunded_minor: whole(field(object, "amount_refunded"))?,
            });
        }
        if !kind.starts_with("charge.dispute.") {
            return None;
        }
        let Some(payment_intent) = id_in(field(object, "payment_intent")) else {
            return Some(MoneyBack::Dispute(None));
        };
        let moves = match field(object, "balance_transactions") {
            Some(Value::Array(moves)) => moves.len().min(2),
            _ => 0,
        };
        let respond_by =
            field(object, "evidence_details").and_then(|details| whole(field(details, "due_by")));
        Some(MoneyBack::Dispute(Some(DisputeNews {
            id: id_in(Some(object))?,
            payment_intent,
            amount_minor: whole(field(object, "amount"))?,
            status: text(field(object, "status"))?,
            moves: u8::try_from(moves).unwrap_or(2),
            respond_by: respond_by.map(from_unix),
        })))
    }

    /// A `charge.dispute.*` event's dispute.
    pub fn of_dispute(dispute: &stripe_shared::Dispute) -> MoneyBack {
        MoneyBack::Dispute(dispute.payment_intent.as_ref().map(|intent| DisputeNews {
            id: dispute.id.as_str().to_string(),
            payment_intent: intent.id().as_str().to_string(),
            amount_minor: dispute.amount,
            status: dispute.status.as_str().to_string(),
            moves: u8::try_from(dispute.balance_transactions.len().min(2)).unwrap_or(2),
            respond_by: dispute.evidence_details.due_by.map(from_unix),
        }))
    }
}

fn from_unix(seconds: i64) -> mongodb::bson::DateTime {
    mongodb::bson::DateTime::from_millis(seconds.saturating_mul(1000))
}

fn field<'a>(object: &'a Value, name: &str) -> Option<&'a Value> {
    match object {
        Value::Object(fields) => fields.get(name),
        _ => None,
    }
}

fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) => Some(text.clone()),
        _ => None,
    }
}

/// An id, given as itself or inside the object it names (expanded).
fn id_in(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(id) => Some(id.clone()),
        object @ Value::Object(_) => text(field(object, "id")),
        _ => None,
    }
}

fn whole(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(Number::I64(n)) => Some(*n),
        Value::Number(Number::U64(n)) => i64::try_from(*n).ok(),
        _ => None,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn object(json: &str) -> Value {
        miniserde::json::from_str(json).unwrap()
    }

    #[test]
    fn a_refund_is_read_from_an_older_charge_with_only_its_own_fields() {
        // Far from every field today's Charge type requires.
        let charge = object(
            r#"{"id":"ch_1","object":"charge","amount":20156,"amount_refunded":5000,"payment_intent":"pi_9"}"#,
        );
        let Some(MoneyBack::Refund {
            payment_intent,
            refunded_minor,
        }) = MoneyBack::of_object("charge.refunded", &charge)
        else {
            panic!("a refund");
        };
        assert_eq!(payment_intent.as_deref(), Some("pi_9"));
        assert_eq!(refunded_minor, 5000);
        assert!(
            MoneyBack::of_object("charge.refunded", &object(r#"{"id":"ch_1"}"#)).is_none(),
            "no total refunded: nothing to record"
        );
        let without_intent = object(r#"{"id":"ch_2","amount_refunded":1,"payment_intent":null}"#);
        assert!(matches!(
            MoneyBack::of_object("charge.refunded", &without_intent),
            Some(MoneyBack::Refund {
                payment_intent: None,
                ..
            })
        ));
    }

    #[test]
    fn a_dispute_is_read_with_its_money_moves_and_an_expanded_payment_intent() {
        let dispute = object(
            r#"{"id":"dp_1","amount":20156,"status":"needs_response",
               "payment_intent":{"id":"pi_9","object":"payment_intent"},
               "balance_transactions":[{"id":"txn_1"}],"evidence_details":{"due_by":1767225600}}"#,
        );
        let Some(MoneyBack::Dispute(Some(news))) =
            MoneyBack::of_object("charge.dispute.funds_withdrawn", &dispute)
        else {
            panic!("a dispute");
        };
        assert_eq!(
            (news.id.as_str(), news.payment_intent.as_str()),
            ("dp_1", "pi_9")
        );
        assert_eq!((news.amount_minor, news.moves), (20156, 1));
        assert_eq!(news.status, "needs_response");
        assert_eq!(
            news.respond_by.map(|at| at.timestamp_millis()),
            Some(1_767_225_600_000)
        );
        let without_intent = object(r#"{"id":"dp_2","amount":1,"status":"lost"}"#);
        assert!(matches!(
            MoneyBack::of_object("charge.dispute.closed", &without_intent),
            Some(MoneyBack::Dispute(None))
        ));
        assert!(MoneyBack::of_object("invoice.paid", &dispute).is_none());
    }

    /// Stripe's own charge and dispute (the fixtures the stand-in answers with) read the same
    /// through async-stripe's types (webhooks) and field by field (the list of events).
    #[test]
    fn stripes_own_charge_and_dispute_read_the_same_both_ways() {
        let fixtures: serde_json::Value = serde_json::from_str(include_str!(
            "../../../tests/fixtures/stripe/fixtures3.json"
        ))
        .unwrap();
        let mut charge = fixtures["resources"]["charge"].clone();
        charge["amount_refunded"] = 700.into();
        charge["payment_intent"] = "pi_fixture".into();
        let typed: stripe_shared::Charge = miniserde::json::from_str(&charge.to_string()).unwrap();
        let raw = object(&charge.to_string());
        match (
            MoneyBack::of_charge(&typed),
            MoneyBack::of_object("charge.refunded", &raw),
        ) {
            (
                MoneyBack::Refund {
                    payment_intent: a,
                    refunded_minor: x,
                },
                Some(MoneyBack::Refund {
                    payment_intent: b,
                    refunded_minor: y,
                }),
            ) => assert_eq!((a, x), (b, y)),
            other => panic!("{other:?}"),
        }
        let mut dispute = fixtures["resources"]["dispute"].clone();
        dispute["payment_intent"] = "pi_fixture".into();
        let typed: stripe_shared::Dispute =
            miniserde::json::from_str(&dispute.to_string()).unwrap();
        let raw = object(&dispute.to_string());
        match (
            MoneyBack::of_dispute(&typed),
            MoneyBack::of_object("charge.dispute.created", &raw),
        ) {
            (MoneyBack::Dispute(Some(a)), Some(MoneyBack::Dispute(Some(b)))) => assert_eq!(
                (a.id, a.payment_intent, a.amount_minor, a.status, a.moves),
                (b.id, b.payment_intent, b.amount_minor, b.status, b.moves)
            ),
            other => panic!("{other:?}"),
        }
    }
}
