//! A client pays, as test control makes them: a payment link's checkout, an open checkout page
//! completed later, a bank debit settling or failing, a hosted invoice paid; each leaves the
//! charge Stripe would and the event it sends.

use serde_json::{Value, json};

use super::events::endpoints_of;
use super::wire::{int, merge, new_id, now};
use super::{Books, StripeStandIn};

impl StripeStandIn {
    /// A client pays: a payment link gets a completed checkout session, an open checkout
    /// session completes, an invoice is paid. `outcome` is `paid`, `processing` (a bank debit
    /// under way), `succeeded` (that debit settles) or `failed`. Delivers the event to the account's webhook endpoints and returns
    /// it.
    pub async fn pay(&self, target: &str, outcome: &str) -> Result<Value, String> {
        let (events, endpoints) = {
            let mut books = self.books.lock().expect("stand-in lock");
            let Some(object) = books.objects.get(target).cloned() else {
                return Err(format!("no object {target}"));
            };
            let account = object["__account"].as_str().unwrap_or_default().to_string();
            let changes: Vec<(&'static str, Value)> = match object["object"].as_str() {
                Some("payment_link") => vec![self.settle_link(&mut books, &object, outcome)?],
                Some("checkout.session") if object["mode"] == "subscription" => {
                    self.subscribe(&mut books, &object)?
                }
                Some("checkout.session") if object["status"] == "open" => {
                    vec![self.complete(&mut books, &object, outcome)?]
                }
                Some("checkout.session") => {
                    vec![self.settle_session(&mut books, &object, outcome)?]
                }
                Some("invoice") => vec![self.settle_invoice(&mut books, &object, outcome)?],
                Some("subscription") => self.change_subscription(&mut books, &object, outcome)?,
                _ => return Err(format!("{target} cannot be paid")),
            };
            let events: Vec<Value> = changes
                .iter()
                .map(|(kind, changed)| self.event(&mut books, &account, kind, changed))
                .collect();
            let endpoints = events
                .iter()
                .map(|event| endpoints_of(&books, &account, event["type"].as_str()))
                .collect::<Vec<_>>();
            (events, endpoints)
        };
        self.deliver_all(&events, &endpoints).await;
        events
            .into_iter()
            .next()
            .ok_or_else(|| "no event".to_string())
    }

    /// A client opens the checkout page of payment link `link` and leaves it open; `pay` with
    /// the session's id completes it later, even after the link was deactivated. Returns the
    /// session's id.
    pub fn open_checkout(&self, link: &str) -> Result<String, String> {
        let mut books = self.books.lock().expect("stand-in lock");
        let Some(link) = books.objects.get(link).cloned() else {
            return Err(format!("no payment link {link}"));
        };
        let session = self.open_session(&mut books, &link)?;
        Ok(session["id"].as_str().unwrap_or_default().to_string())
    }

    pub(super) fn settle_link(
        &self,
        books: &mut Books,
        link: &Value,
        outcome: &str,
    ) -> Result<(&'static str, Value), String> {
        let session = self.open_session(books, link)?;
        self.complete(books, &session, outcome)
    }

    /// The checkout page of payment link `link`, opened: a session `open` and unpaid.
    pub(super) fn open_session(&self, books: &mut Books, link: &Value) -> Result<Value, String> {
        if link["active"] != true {
            return Err("this payment link is deactivated".into());
        }
        let id = new_id(books, "cs_test");
        let amount: i64 = link["__amount"].as_i64().unwrap_or(0);
        let mut session = self.fixture("checkout.session");
        let fields = json!({
            "id": id,
            "payment_link": link["id"],
            "metadata": link["metadata"],
            "mode": "payment",
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": amount,
            "amount_subtotal": amount,
            "currency": link["currency"],
            "created": now(),
            "livemode": false,
            "payment_intent": format!("pi_{}", &id[8..]),
            "__account": link["__account"],
        });
        merge(&mut session, &fields);
        books.objects.insert(id, session.clone());
        Ok(session)
    }

    /// The client pays on an open checkout page: by card (`paid`) or by a bank debit that
    /// settles later (`processing`). The page works whether or not its link is still active.
    pub(super) fn complete(
        &self,
        books: &mut Books,
        session: &Value,
        outcome: &str,
    ) -> Result<(&'static str, Value), String> {
        let event = match outcome {
            "paid" | "processing" => "checkout.session.completed",
            _ => return Err(format!("an open session cannot be {outcome}")),
        };
        let mut session = session.clone();
        session["status"] = json!("complete");
        session["url"] = Value::Null;
        session["payment_status"] = json!(if outcome == "paid" { "paid" } else { "unpaid" });
        self.keep_session(books, &session, outcome == "paid");
        Ok((event, session))
    }

    pub(super) fn settle_session(
        &self,
        books: &mut Books,
        session: &Value,
        outcome: &str,
    ) -> Result<(&'static str, Value), String> {
        let (status, event) = match outcome {
            "succeeded" => ("paid", "checkout.session.async_payment_succeeded"),
            "failed" => ("unpaid", "checkout.session.async_payment_failed"),
            _ => return Err(format!("a session cannot become {outcome}")),
        };
        let mut session = session.clone();
        session["payment_status"] = json!(status);
        self.keep_session(books, &session, outcome == "succeeded");
        Ok((event, session))
    }

    /// Stores `session` as changed; `paid`: its money came in, through a charge.
    fn keep_session(&self, books: &mut Books, session: &Value, paid: bool) {
        if paid {
            let intent = session["payment_intent"].as_str().unwrap_or_default();
            self.charge(
                books,
                &session["__account"],
                intent,
                int(&session["amount_total"]),
                &session["currency"],
            );
        }
        let id = session["id"].as_str().unwrap_or_default().to_string();
        books.objects.insert(id, session.clone());
    }

    pub(super) fn settle_invoice(
        &self,
        books: &mut Books,
        invoice: &Value,
        outcome: &str,
    ) -> Result<(&'static str, Value), String> {
        if invoice["status"] != "open" {
            return Err(format!("the invoice is {}", invoice["status"]));
        }
        let mut invoice = invoice.clone();
        let event = match outcome {
            "paid" => {
                let due = invoice["amount_due"].clone();
                let id = invoice["id"].as_str().unwrap_or_default().to_string();
                let intent = format!("pi_{}", &id[3..]);
                self.charge(
                    books,
                    &invoice["__account"],
                    &intent,
                    int(&due),
                    &invoice["currency"],
                );
                let mut payment = self.fixture("invoice_payment");
                merge(
                    &mut payment,
                    &json!({
                        "id": format!("inpay_{}", &id[3..]), "invoice": id, "amount_paid": due,
                        "amount_requested": due, "currency": invoice["currency"], "status": "paid",
                        "livemode": false, "created": now(),
                        "payment": { "type": "payment_intent", "payment_intent": intent },
                    }),
                );
                // Only in answers that ask for it (`expand[]=payments`), as in Stripe.
                invoice["__payments"] = json!({
                    "object": "list", "data": [payment], "has_more": false,
                    "url": format!("/v1/invoice_payments?invoice={id}"),
                });
                merge(
                    &mut invoice,
                    &json!({"status": "paid", "amount_paid": due, "amount_remaining": 0, "paid": true}),
                );
                "invoice.paid"
            }
            "failed" => {
                invoice["attempt_count"] =
                    json!(invoice["attempt_count"].as_i64().unwrap_or(0) + 1);
                "invoice.payment_failed"
            }
            _ => return Err(format!("an invoice cannot be {outcome}")),
        };
        let id = invoice["id"].as_str().unwrap_or_default().to_string();
        books.objects.insert(id, invoice.clone());
        Ok((event, invoice))
    }

    /// The charge through which PaymentIntent `payment_intent` took `amount` (in `account`).
    pub(super) fn charge(
        &self,
        books: &mut Books,
        account: &Value,
        payment_intent: &str,
        amount: i64,
        currency: &Value,
    ) {
        let id = new_id(books, "ch");
        let mut charge = self.fixture("charge");
        merge(
            &mut charge,
            &json!({
                "id": id, "amount": amount, "amount_captured": amount, "amount_refunded": 0,
                "refunded": false, "captured": true, "paid": true, "status": "succeeded",
                "currency": currency, "payment_intent": payment_intent, "created": now(),
                "livemode": false, "metadata": {}, "__account": account,
            }),
        );
        charge["refunds"]["url"] = json!(format!("/v1/charges/{id}/refunds"));
        books.objects.insert(id, charge);
    }
}
