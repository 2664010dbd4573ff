//! Clients and invoices through their server functions: the life of an invoice, numbering
//! under concurrency, the public link, and the dashboard's figures.

use std::collections::BTreeSet;

use mongodb::bson::doc;
use serde_json::json;

use crate::common::billing::{User, app_with_resend, invoice_input};
use crate::common::{TestApp, spawn_app};
use paytrack::api::clients::UpdateClient;
use paytrack::api::invoices::CreateInvoice;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invoice_goes_from_draft_to_paid_with_totals_from_the_domain() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let client = ada.client("Acme Buyer").await;
    let (id, number) = ada.draft(&client).await;
    assert_eq!(number, "INV-0001");

    let draft = ada.invoice(&id).await;
    assert_eq!(draft.status, 200, "{}", draft.body);
    let totals = &draft.body["document"]["totals"];
    assert_eq!(totals["subtotal"]["minor"], 21_329);
    assert_eq!(totals["discount"]["minor"], 2_133);
    assert_eq!(totals["tax"]["minor"], 960);
    assert_eq!(totals["total"]["minor"], 20_156);
    assert_eq!(draft.body["document"]["status"], "Draft");
    assert!(draft.body["public_url"].is_null());

    let early = ada.pay(&id, "10").await;
    assert_eq!(early.status, 422);
    assert!(
        early.body["Rejected"]
            .as_str()
            .unwrap()
            .contains("Send the invoice")
    );

    let sent = ada.send(&id).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(sent.body["document"]["status"], "Open");
    let link = sent.body["public_url"].as_str().unwrap().to_string();
    assert!(link.contains("/i/"), "{link}");
    let again = ada.send(&id).await;
    assert_eq!(again.status, 422);

    let too_much = ada.pay(&id, "201.57").await;
    assert!(
        too_much.body["Invalid"]["amount"]
            .as_str()
            .unwrap()
            .contains("$201.56"),
        "{}",
        too_much.body
    );
    let part = ada.pay(&id, "100").await;
    assert_eq!(part.body["Recorded"]["document"]["status"], "PartiallyPaid");
    assert_eq!(
        part.body["Recorded"]["document"]["totals"]["due"]["minor"],
        10_156
    );
    let rest = ada.pay(&id, "101.56").await;
    assert_eq!(rest.body["Recorded"]["document"]["status"], "Paid");
    assert_eq!(
        rest.body["Recorded"]["document"]["totals"]["due"]["minor"],
        0
    );
    assert_eq!(
        rest.body["Recorded"]["document"]["payments"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let void = ada.form("/api/invoices/void", &[("id", &id)]).await;
    assert_eq!(void.status, 422);
    assert!(void.body["Rejected"].as_str().unwrap().contains("paid"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_field_messages_and_saves_nothing() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let bad_client = ada
        .json(
            "/api/clients/create",
            json!({ "input": { "name": "", "emails": "not-an-email", "company": "", "address": "", "currency": "ZZZ", "notes": "", "reminders": true } }),
        )
        .await;
    assert_eq!(bad_client.status, 200);
    let errors = &bad_client.body["Invalid"];
    assert!(
        errors["name"].is_string()
            && errors["emails"].is_string()
            && errors["currency"].is_string()
    );

    let client = ada.client("Acme").await;
    let mut input = invoice_input(&client);
    input.lines[1].unit_price = "twelve".to_string();
    input.due_date = "2025-12-01".to_string();
    let bad = ada.call(&CreateInvoice { input }).await;
    assert_eq!(bad.status, 200, "{}", bad.body);
    assert!(
        bad.body["Invalid"]["lines"][1]["unit_price"]
            .as_str()
            .unwrap()
            .contains("twelve")
    );
    assert!(bad.body["Invalid"]["due_date"].is_string());

    let garbage = ada
        .json("/api/invoices/create", json!({ "nonsense": 1 }))
        .await;
    assert_eq!(garbage.status, 400, "{}", garbage.body);

    // More than the server reads (2 MB): said so, in words.
    let mut input = invoice_input(&client);
    input.notes = "n".repeat(2 * 1024 * 1024);
    let huge = ada.call(&CreateInvoice { input }).await;
    assert_eq!(huge.status, 413, "{}", huge.body);
    assert_eq!(
        huge.body["TooLarge"],
        "That request is larger than the 2 MB PayTrack accepts."
    );

    assert_eq!(app.count("invoices", doc! {}).await, 0);
    assert_eq!(app.count("clients", doc! {}).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_creates_get_numbers_one_to_fifty() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let client = ada.client("Acme").await;
    let numbers = futures::future::join_all((0..50).map(|_| ada.draft(&client))).await;
    let numbers: BTreeSet<String> = numbers.into_iter().map(|(_, number)| number).collect();
    let expected: BTreeSet<String> = (1..=50).map(|n| format!("INV-{n:04}")).collect();
    assert_eq!(numbers, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_the_newest_draft_gives_its_number_back() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let client = ada.client("Acme").await;
    let (first, _) = ada.draft(&client).await;
    let (second, number) = ada.draft(&client).await;
    assert_eq!(number, "INV-0002");
    let deleted = ada.form("/api/invoices/delete", &[("id", &second)]).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(ada.draft(&client).await.1, "INV-0002");

    ada.send(&first).await;
    let refused = ada.form("/api/invoices/delete", &[("id", &first)]).await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body["Rejected"]
            .as_str()
            .unwrap()
            .contains("Void it")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_adds_up_outstanding_aging_and_cash() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let client = ada.client("Acme").await;
    let (paid, _) = ada.draft(&client).await;
    let (open, _) = ada.draft(&client).await;
    ada.send(&paid).await;
    ada.send(&open).await;
    ada.pay(&paid, "201.56").await;
    let today = ada.invoice(&open).await.body["today"]
        .as_str()
        .unwrap()
        .to_string();
    let this_month = ada
        .json(
            "/api/invoices/payment",
            json!({ "id": open, "payment": { "amount": "50", "date": today, "method": "cash" } }),
        )
        .await;
    assert_eq!(this_month.status, 200, "{}", this_month.body);

    let dashboard = ada.form("/api/dashboard", &[]).await;
    assert_eq!(dashboard.status, 200, "{}", dashboard.body);
    let usd = &dashboard.body["currencies"][0];
    assert_eq!(usd["currency"], "USD");
    assert_eq!(usd["outstanding"]["minor"], 15_156);
    assert_eq!(usd["overdue"]["minor"], 15_156, "due 2026-01-31");
    assert_eq!(usd["paid_this_month"]["minor"], 5_000);
    let collected: i64 = usd["collected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["minor"].as_i64().unwrap())
        .sum();
    assert!(collected >= 5_000);
    assert_eq!(dashboard.body["months"].as_array().unwrap().len(), 12);
    assert_eq!(dashboard.body["coming_due"][0]["id"], open);
    assert_eq!(dashboard.body["activity"][0]["what"], "Payment recorded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_link_shows_the_invoice_and_stops_working_when_replaced_or_voided() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let client = ada.client("Acme").await;
    let (id, _) = ada.draft(&client).await;
    let sent = ada.send(&id).await;
    let link = sent.body["public_url"].as_str().unwrap();
    let token = link.rsplit('/').next().unwrap().to_string();

    let app = &app;
    let public = |token: String| async move {
        app.call("/api/public/invoice", &[("token", &token)])
            .await
            .json::<serde_json::Value>()
            .await
            .unwrap()
    };
    let seen = public(token.clone()).await;
    assert_eq!(seen["number"], "INV-0001");
    assert_eq!(seen["totals"]["total"]["minor"], 20_156);
    assert!(seen.get("id").is_none() && seen.get("client_id").is_none());

    let replaced = ada.form("/api/invoices/new-link", &[("id", &id)]).await;
    let new_link = replaced.body["public_url"].as_str().unwrap().to_string();
    assert_ne!(new_link, link);
    assert!(
        public(token.clone()).await.is_null(),
        "the old link is dead"
    );
    let new_token = new_link.rsplit('/').next().unwrap().to_string();
    assert_eq!(public(new_token.clone()).await["number"], "INV-0001");

    // The page itself: 200 with the invoice, 404 for a dead link.
    let page = app
        .http
        .get(app.url(&format!("/i/{new_token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("INV-0001"));
    // Neither Stripe nor bank details: the client is told how to find out how to pay.
    assert!(
        html.contains("how to pay, reply to the email this invoice came with"),
        "{html}"
    );
    let dead = app
        .http
        .get(app.url(&format!("/i/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(dead.status(), 404);
    assert!(dead.text().await.unwrap().contains("any more"));

    ada.form("/api/invoices/void", &[("id", &id)]).await;
    assert!(
        public(new_token).await.is_null(),
        "void invoices have no public page"
    );
    assert!(public("x".repeat(43)).await.is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_page_says_a_reply_holds_the_reminders_only_where_one_does() {
    const SAYS: &str = "Paid already? Reply to the email this invoice came with and say so";
    const QUESTIONS: &str = "Questions about this invoice? Reply to the email it came with.";
    async fn seen(app: &TestApp, link: &str) -> (String, bool) {
        let token = link.rsplit('/').next().unwrap();
        let document: serde_json::Value = app
            .call("/api/public/invoice", &[("token", token)])
            .await
            .json()
            .await
            .unwrap();
        let page = app.http.get(link).send().await.unwrap();
        let holds = document["replies_hold_reminders"].as_bool().unwrap();
        (page.text().await.unwrap(), holds)
    }
    async fn sent_to_acme(user: &User<'_>) -> (String, String) {
        let client = user.client("Acme").await;
        let (id, _) = user.draft(&client).await;
        let link = user.send(&id).await.body["public_url"]
            .as_str()
            .map(str::to_string);
        (id, link.expect("a sent invoice has a link"))
    }

    // Locally replies come to PayTrack (typed in the dev outbox) and hold the reminders.
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let (id, link) = sent_to_acme(&ada).await;
    let (page, holds) = seen(&app, &link).await;
    assert!(holds && page.contains(SAYS), "{page}");
    assert!(page.contains(QUESTIONS));
    // Paid, the page is a receipt: there is nothing left to hold.
    assert_eq!(ada.pay(&id, "201.56").await.status, 200);
    let (page, holds) = seen(&app, &link).await;
    assert!(!holds && !page.contains(SAYS), "{page}");

    // Where replies are not set up they go straight to the sender and hold nothing.
    let (app, stand_in) = app_with_resend("re_test_no_replies").await;
    let bo = app.user_through(&stand_in, "bo@example.test").await;
    let (_, link) = sent_to_acme(&bo).await;
    let (page, holds) = seen(&app, &link).await;
    assert!(!holds && !page.contains(SAYS), "{page}");
    assert!(page.contains(QUESTIONS));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicating_keeps_the_lines_and_the_payment_terms() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let client = ada.client("Acme").await;
    let (id, _) = ada.draft(&client).await;
    let copy = ada.form("/api/invoices/duplicate", &[("id", &id)]).await;
    let copy_id = copy.body["Saved"]["id"].as_str().unwrap();
    assert_eq!(copy.body["Saved"]["number"], "INV-0002");
    let copy = ada.invoice(copy_id).await.body;
    assert_eq!(copy["document"]["lines"].as_array().unwrap().len(), 3);
    assert_eq!(copy["document"]["issue_date"], copy["today"]);
    assert_eq!(copy["document"]["totals"]["total"]["minor"], 20_156);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_a_client_readdresses_drafts_but_not_sent_invoices() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let client = ada.client("Acme").await;
    let (sent, _) = ada.draft(&client).await;
    let (draft, _) = ada.draft(&client).await;
    ada.send(&sent).await;
    let mut input = crate::common::billing::client_input("Acme Renamed");
    input.emails = "billing@acme.test".to_string();
    let id = client.clone();
    let saved = ada.call(&UpdateClient { id, input }).await;
    assert_eq!(saved.body["Saved"]["name"], "Acme Renamed");
    assert_eq!(
        ada.invoice(&draft).await.body["document"]["bill_to"]["name"],
        "Acme Renamed"
    );
    assert_eq!(
        ada.invoice(&sent).await.body["document"]["bill_to"]["name"],
        "Acme"
    );

    let archived = ada
        .form(
            "/api/clients/archive",
            &[("id", &client), ("archived", "true")],
        )
        .await;
    assert_eq!(archived.body["archived"], true);
    let listed = ada
        .form(
            "/api/clients/list",
            &[("search", ""), ("include_archived", "false")],
        )
        .await;
    assert_eq!(listed.body["clients"], serde_json::json!([]));
    assert_eq!(
        listed.body["archived_hidden"], 1,
        "the empty list says one client is archived"
    );
    let input = invoice_input(&client);
    let refused = ada.call(&CreateInvoice { input }).await;
    assert!(
        refused.body["Invalid"]["client"]
            .as_str()
            .unwrap()
            .contains("archived")
    );

    let detail = ada.form("/api/clients/get", &[("id", &client)]).await;
    assert_eq!(detail.body["balances"][0]["minor"], 20_156);
    assert_eq!(detail.body["invoices"].as_array().unwrap().len(), 2);
}
