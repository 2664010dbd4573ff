//! The loop's invariants, checked after every iteration, and what they are read from.

use std::collections::HashMap;

use mongodb::bson::{doc, oid::ObjectId};
use serde_json::Value;

use super::{Ack, Invoice};
use crate::common::TestApp;
use crate::common::resend::ResendStandIn;

/// The invoices among `stripe_paid` whose payment is neither recorded on them nor noted as
/// paid twice, with their status.
pub(super) async fn unrecorded<'a>(
    app: &TestApp,
    stripe_paid: &'a [String],
) -> Vec<(&'a str, Value)> {
    let mut missing = Vec::new();
    for id in stripe_paid {
        let d = app.invoice_doc(id).await;
        let on_invoice = d
            .get_document("stripe")
            .is_ok_and(|s| s.get_str("state") == Ok("paid"));
        let noted = d
            .get_array("extra_payments")
            .is_ok_and(|extra| !extra.is_empty());
        if !(on_invoice || noted) {
            missing.push((
                id.as_str(),
                Value::from(d.get_str("status").unwrap_or_default()),
            ));
        }
    }
    missing
}

/// What an action on another user's invoice must never change.
pub(super) async fn fingerprint(app: &TestApp, invoices: &[Invoice], owner: usize) -> Vec<String> {
    let mut prints = Vec::new();
    for invoice in invoices.iter().filter(|i| i.owner != owner) {
        let d = app.invoice_doc(&invoice.id).await;
        prints.push(format!(
            "{} {:?} {:?} {:?} {:?}",
            invoice.id,
            d.get("status"),
            d.get("paid_minor"),
            d.get("reminders_paused").map(|p| p.to_string()),
            d.get("extra_payments").map(|p| p.to_string()),
        ));
    }
    prints
}

pub(super) async fn check(
    app: &TestApp,
    invoices: &[Invoice],
    stand_in: &ResendStandIn,
    acks: &HashMap<String, (Ack, usize)>,
    stripe_paid: &[String],
    iteration: u64,
) {
    let at = format!("after iteration {iteration}");
    assert!(
        stand_in.duplicates().is_empty(),
        "{at}: sent twice: {:?}",
        stand_in.duplicates()
    );
    let sent = stand_in.sent_in_order();
    // Every invoice email went out when the invoice was sent (through the server's own mailer):
    // one through Resend now would be a second.
    let again: Vec<&String> = sent.iter().filter(|k| k.ends_with("-invoice")).collect();
    assert!(
        again.is_empty(),
        "{at}: invoice emails sent again: {again:?}"
    );
    for (invoice, (ack, seen)) in acks {
        let prefix = format!("paytrack-{invoice}-");
        let late: Vec<&String> = sent[*seen..]
            .iter()
            .filter(|key| key.starts_with(&prefix))
            .filter(|key| *ack == Ack::Void || key.contains("-reminder:"))
            .collect();
        assert!(
            late.is_empty(),
            "{at}: emails after {ack:?} of {invoice}: {late:?}"
        );
    }
    for invoice in invoices {
        let d = app.invoice_doc(&invoice.id).await;
        let status = d.get_str("status").unwrap_or_default();
        if matches!(status, "Open" | "PartiallyPaid") {
            let jobs = app
                .count(
                    "email_jobs",
                    doc! {
                        "invoice_id": ObjectId::parse_str(&invoice.id).unwrap(),
                        "step": "invoice",
                        "state": { "$in": ["sent", "scheduled", "claimed", "batched"] },
                    },
                )
                .await;
            let pending = d.get("email_pending_since").is_some();
            assert!(
                jobs == 1 || (jobs == 0 && pending),
                "{at}: open invoice {} has {jobs} invoice emails sent or planned",
                invoice.id
            );
        }
    }
    // What the dashboard reads as owed is what the open invoices owe, whatever was killed when.
    if let Some(first) = invoices.first() {
        let user = app
            .invoice_doc(&first.id)
            .await
            .get_object_id("user_id")
            .unwrap();
        let (kept, summed) = crate::common::owed_kept_and_summed(&app.db, user).await;
        assert_eq!(kept, summed, "{at}: what is owed drifted from the invoices");
    }
    let missing = unrecorded(app, stripe_paid).await;
    assert!(
        missing.is_empty(),
        "{at}: payments Stripe took that are neither on their invoice nor noted: {missing:?}"
    );
}
