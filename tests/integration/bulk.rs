//! Several invoices at once: what can change does, what can't is listed with the reason, and
//! their emails follow the answer, one after another, however slowly Resend takes them.

use std::time::Duration;

use serde_json::{Value, json};

use crate::common::billing::{User, app_with_resend};
use crate::common::chasing::jobs_of;
use crate::common::resend::ResendStandIn;
use crate::common::spawn_app;
use crate::credit_notes::sent;

async fn bulk(user: &User<'_>, ids: &[String], action: &str) -> Value {
    let answer = user
        .json(
            "/api/invoices/bulk",
            json!({ "ids": ids, "action": action }),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body
}

/// Waits, up to 30 s, for `done`.
async fn until(what: &str, done: impl AsyncFn() -> bool) {
    for _ in 0..300 {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}: not after 30 s");
}

/// How many requests to send an email whose key holds `kind` Resend has had.
fn asked(stand_in: &ResendStandIn, kind: &str) -> usize {
    let requests = stand_in.requests();
    requests
        .iter()
        .filter(|(key, _)| key.contains(kind))
        .count()
}

fn keys(stand_in: &ResendStandIn) -> Vec<String> {
    stand_in
        .requests()
        .into_iter()
        .map(|(key, _)| key)
        .collect()
}

/// The state of `invoice`'s invoice email on the schedule.
async fn invoice_email_state(app: &crate::common::TestApp, invoice: &str) -> String {
    let jobs = jobs_of(app, invoice).await;
    let job = jobs
        .iter()
        .find(|job| job.get_str("step") == Ok("invoice"))
        .unwrap_or_else(|| panic!("the invoice email of {invoice} is on the schedule: {jobs:?}"));
    job.get_str("state").unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_send_changes_what_it_can_and_says_why_it_skipped_the_rest() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let client = ada.client("Acme").await;
    let (a, _) = ada.draft(&client).await;
    let (b, number_b) = ada.draft(&client).await;
    ada.send(&b).await;
    let outcome = ada
        .json(
            "/api/invoices/bulk",
            json!({ "ids": [a, b, "nope"], "action": "send" }),
        )
        .await;
    assert_eq!(outcome.status, 200, "{}", outcome.body);
    assert_eq!(outcome.body["done"], 1);
    let skipped = outcome.body["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 2);
    assert!(skipped[0].as_str().unwrap().starts_with(&number_b));
    let unknown = ada
        .json(
            "/api/invoices/bulk",
            json!({ "ids": [], "action": "delete-everything" }),
        )
        .await;
    assert_eq!(unknown.status, 400, "{}", unknown.body);
    assert!(
        unknown.body.to_string().contains("delete-everything"),
        "the refusal names what was sent: {}",
        unknown.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoices_sent_together_are_answered_before_their_emails_which_follow_in_order() {
    let (app, stand_in) = app_with_resend("re_test_bulk_send").await;
    let ada = app.user_through(&stand_in, "ada@example.com").await;
    let client = ada.client("Acme").await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(ada.draft(&client).await.0);
    }

    // Resend is slow to answer: the answer does not wait for it.
    stand_in.hold();
    let outcome = bulk(&ada, &ids, "send").await;
    assert_eq!(outcome["done"], 3, "{outcome}");
    for id in &ids {
        assert_eq!(ada.invoice(id).await.body["document"]["status"], "Open");
        let state = invoice_email_state(&app, id).await;
        assert!(
            state == "scheduled" || state == "claimed",
            "on its way, not given up on: {state}"
        );
    }
    // Asked of Resend one after another: the first (held) at most, so far.
    assert!(asked(&stand_in, "-invoice") <= 1, "{:?}", keys(&stand_in));

    stand_in.release();
    let emailed = async || {
        let mut all = true;
        for id in &ids {
            all &= invoice_email_state(&app, id).await == "sent";
        }
        all
    };
    until("the three invoice emails went", emailed).await;
    // Each once, in the order they were chosen in.
    let order: Vec<String> = stand_in
        .sent_in_order()
        .into_iter()
        .filter(|key| key.ends_with("-invoice"))
        .collect();
    let expected: Vec<String> = ids
        .iter()
        .map(|id| format!("paytrack-{id}-invoice"))
        .collect();
    assert_eq!(order, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoices_voided_together_get_their_credit_notes_by_email_after_the_answer() {
    let (app, stand_in) = app_with_resend("re_test_bulk_void").await;
    let ada = app.user_through(&stand_in, "ada@example.com").await;
    let client = ada.client("Acme").await;
    let ids = vec![sent(&ada, &client).await.0, sent(&ada, &client).await.0];

    stand_in.hold();
    let outcome = bulk(&ada, &ids, "void").await;
    assert_eq!(outcome["done"], 2, "{outcome}");
    let mut numbers = Vec::new();
    for id in &ids {
        let document = &ada.invoice(id).await.body["document"];
        assert_eq!(document["status"], "Void");
        assert!(
            document["credit_note"]["emailed_to"].is_null(),
            "{document}"
        );
        numbers.push(
            document["credit_note"]["number"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    numbers.sort();
    assert_eq!(numbers, ["CN-0001", "CN-0002"]);
    assert!(asked(&stand_in, "-CN-") <= 1, "{:?}", keys(&stand_in));

    stand_in.release();
    let emailed = async || {
        let mut all = true;
        for id in &ids {
            let document = &ada.invoice(id).await.body["document"];
            all &= document["credit_note"]["emailed_to"] == "acme@client.test";
        }
        all
    };
    until("both credit notes were emailed", emailed).await;
    for id in &ids {
        let went = stand_in.sent_with_key_prefix(&format!("paytrack-{id}-CN-"));
        assert_eq!(went.len(), 1, "one email with its credit note");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoices_of_different_clients_are_sent_side_by_side_and_each_client_gets_one_customer() {
    // Two invoices each for two clients (each needs its Stripe customer, made once), one
    // each for two more.
    let customers =
        send_side_by_side(&[("Acme", 2), ("Globex", 2), ("Initech", 1), ("Umbrella", 1)]).await;
    assert_eq!(customers, 4, "one customer per client");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_clients_invoices_go_side_by_side_once_the_first_has_made_their_customer() {
    assert_eq!(send_side_by_side(&[("Acme", 6)]).await, 1, "one customer");
}

/// Sends `count` drafts of each `(client, count)` at once, paid through Stripe-hosted invoices
/// (which need the client's Stripe customer) with Stripe taking its usual time over each
/// request. Every one goes, several at once but four at most, and Stripe refuses nothing (none
/// for a key in flight); how many Stripe customers were made.
async fn send_side_by_side(drafts: &[(&str, usize)]) -> usize {
    let (app, stripe) = crate::stripe_connect::app_with_stripe().await;
    let key = "rk_test_51BulkSideBySide000011112222";
    let ada = app.user("ada@example.test").await;
    ada.connect_stripe(key).await;
    let hosted = ada
        .form("/api/stripe/pay-with", &[("mode", "hosted_invoice")])
        .await;
    assert_eq!(hosted.status, 200, "{}", hosted.body);
    let mut ids = Vec::new();
    for (name, count) in drafts {
        let client = ada.client(name).await;
        for _ in 0..*count {
            ids.push(ada.draft(&client).await.0);
        }
    }

    stripe.set_latency(Duration::from_millis(150));
    let outcome = bulk(&ada, &ids, "send").await;
    assert_eq!(outcome["done"], ids.len(), "{outcome}");
    assert_eq!(outcome["skipped"], json!([]), "{outcome}");
    assert!(
        stripe.most_at_once() > 1,
        "invoices were with Stripe at once"
    );
    assert!(
        stripe.most_at_once() <= 4,
        "four invoices at a time at most"
    );
    assert!(
        stripe.received().iter().all(|r| r.status < 400),
        "no request was refused, none for a key in flight"
    );
    for id in &ids {
        let document = &ada.invoice(id).await.body["document"];
        assert_eq!(document["status"], "Open", "{document}");
        assert!(
            document["pay_url"]
                .as_str()
                .is_some_and(|url| url.starts_with("https://invoice.stripe.com/")),
            "{document}"
        );
    }
    let account = crate::stripe_stand_in::StripeStandIn::account_of(key);
    stripe.objects("customer", &account).len()
}
