//! Money going back, as test control makes it: a refund from the dashboard, and a payer's bank
//! disputing a payment and deciding the dispute, each with Stripe's events and balance moves.

use serde_json::{Value, json};

use super::wire::{int, merge, new_id, now};
use super::{Books, StripeStandIn};

impl StripeStandIn {
    /// The account gives back `amount` more of what PaymentIntent `payment_intent` took, as
    /// from the Stripe dashboard: a refund, the charge's `amount_refunded` raised, and
    /// `charge.refunded` delivered to the endpoints that asked for it. Returns the event.
    pub async fn refund(&self, payment_intent: &str, amount: i64) -> Result<Value, String> {
        let (event, endpoints) = {
            let mut books = self.books.lock().expect("stand-in lock");
            let mut charge = charge_of(&books, payment_intent)?;
            let refunded = int(&charge["amount_refunded"]) + amount;
            if amount <= 0 || refunded > int(&charge["amount"]) {
                return Err("Refund amount is greater than unrefunded amount on charge".into());
            }
            let id = new_id(&mut books, "re");
            let mut refund = self.fixture("refund");
            merge(
                &mut refund,
                &json!({
                    "id": id, "amount": amount, "charge": charge["id"], "currency": charge["currency"],
                    "payment_intent": payment_intent, "status": "succeeded", "created": now(),
                    "__account": charge["__account"],
                }),
            );
            books.objects.insert(id, refund.clone());
            let whole = refunded == int(&charge["amount"]);
            merge(
                &mut charge,
                &json!({ "amount_refunded": refunded, "refunded": whole }),
            );
            let charge_id = charge["id"].as_str().unwrap_or_default().to_string();
            books.objects.insert(charge_id, charge.clone());
            self.events_about(&mut books, &charge, &["charge.refunded"])
        };
        self.deliver_all(&event, &endpoints).await;
        event
            .into_iter()
            .next()
            .ok_or_else(|| "no event".to_string())
    }

    /// The payer's bank disputes `amount` of what PaymentIntent `payment_intent` took. A
    /// chargeback takes the money back at once (one balance transaction on the dispute) and
    /// sends `charge.dispute.created` and `charge.dispute.funds_withdrawn`; an inquiry
    /// (`inquiry`) moves no money and sends only `created`. Returns the events.
    pub async fn dispute(
        &self,
        payment_intent: &str,
        amount: i64,
        inquiry: bool,
    ) -> Result<Vec<Value>, String> {
        let (events, endpoints) = {
            let mut books = self.books.lock().expect("stand-in lock");
            let charge = charge_of(&books, payment_intent)?;
            let id = new_id(&mut books, "dp");
            let mut dispute = self.fixture("dispute");
            merge(
                &mut dispute,
                &json!({
                    "id": id, "amount": amount, "charge": charge["id"],
                    "currency": charge["currency"], "payment_intent": payment_intent,
                    "created": now(), "livemode": false, "is_charge_refundable": inquiry,
                    "status": if inquiry { "warning_needs_response" } else { "needs_response" },
                    "__account": charge["__account"],
                }),
            );
            dispute["evidence_details"]["due_by"] = json!(now() + 14 * 86_400);
            let mut kinds = vec!["charge.dispute.created"];
            if !inquiry {
                self.move_money(&mut books, &mut dispute, -amount);
                kinds.push("charge.dispute.funds_withdrawn");
            }
            books.objects.insert(id, dispute.clone());
            self.events_about(&mut books, &dispute, &kinds)
        };
        self.deliver_all(&events, &endpoints).await;
        Ok(events)
    }

    /// The bank decides dispute `id`: won, the money comes back (a second balance transaction,
    /// `charge.dispute.funds_reinstated`); lost, it stays away. Then `charge.dispute.closed`.
    pub async fn decide_dispute(&self, id: &str, won: bool) -> Result<Vec<Value>, String> {
        let (events, endpoints) = {
            let mut books = self.books.lock().expect("stand-in lock");
            let Some(mut dispute) = books.objects.get(id).cloned() else {
                return Err(format!("no dispute {id}"));
            };
            let moved = dispute["balance_transactions"]
                .as_array()
                .is_some_and(|moves| !moves.is_empty());
            let mut kinds = vec![];
            if won && moved {
                let amount = int(&dispute["amount"]);
                self.move_money(&mut books, &mut dispute, amount);
                kinds.push("charge.dispute.funds_reinstated");
            }
            let status = match (won, moved) {
                (true, _) => "won",
                (false, true) => "lost",
                (false, false) => "warning_closed",
            };
            dispute["status"] = json!(status);
            kinds.push("charge.dispute.closed");
            books.objects.insert(id.to_string(), dispute.clone());
            self.events_about(&mut books, &dispute, &kinds)
        };
        self.deliver_all(&events, &endpoints).await;
        Ok(events)
    }

    /// A balance transaction of `amount` on `dispute` (negative: taken from the account).
    pub(super) fn move_money(&self, books: &mut Books, dispute: &mut Value, amount: i64) {
        let id = new_id(books, "txn");
        let mut transaction = self.fixture("balance_transaction");
        merge(
            &mut transaction,
            &json!({
                "id": id, "amount": amount, "net": amount, "currency": dispute["currency"],
                "source": dispute["id"], "created": now(), "available_on": now(),
                "type": "adjustment", "reporting_category": "dispute",
            }),
        );
        if let Some(moves) = dispute["balance_transactions"].as_array_mut() {
            moves.push(transaction);
        }
    }
}

/// The charge through which PaymentIntent `payment_intent` took its money.
pub(super) fn charge_of(books: &Books, payment_intent: &str) -> Result<Value, String> {
    books
        .objects
        .values()
        .find(|o| o["object"] == "charge" && o["payment_intent"] == payment_intent)
        .cloned()
        .ok_or_else(|| format!("no charge for {payment_intent}"))
}
