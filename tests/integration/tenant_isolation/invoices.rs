//! Bob, with Ada's invoice ids: every invoice and reminder server function.

use serde_json::{Value, json};

use super::Fixture;
use crate::common::billing::invoice_input;
use paytrack::api::invoices::{CreateInvoice, UpdateInvoice};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_invoices() {
    let f = Fixture::new().await;
    let params = |client: &str| json!({ "params": { "status": "", "client": client, "from": "", "to": "", "q": "", "sort": "", "dir": "", "after": "" } });
    let all = f.bob().json("/api/invoices/list", params("")).await;
    assert_eq!(all.body["rows"], json!([]));
    f.refused(f.bob().json("/api/invoices/list", params(&f.client)))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_invoice() {
    let f = Fixture::new().await;
    f.refused(f.bob().invoice(&f.draft)).await;
    f.refused(f.bob().invoice("not-an-id")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_invoice() {
    let f = Fixture::new().await;
    let before = f.snapshot().await;
    let input = invoice_input(&f.client);
    let answer = f.bob().call(&CreateInvoice { input }).await;
    assert_eq!(
        answer.body["Invalid"]["client"],
        Value::from("Choose a client from your list.")
    );
    assert_eq!(f.snapshot().await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_invoice() {
    let f = Fixture::new().await;
    f.refused(f.bob().call(&UpdateInvoice {
        id: f.draft.clone(),
        input: invoice_input(&f.client),
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_invoice() {
    let f = Fixture::new().await;
    f.refused(f.bob().form("/api/invoices/duplicate", &[("id", &f.sent)]))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_invoice() {
    let f = Fixture::new().await;
    f.refused(f.bob().send(&f.draft)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn void_invoice() {
    let f = Fixture::new().await;
    f.refused(f.bob().form("/api/invoices/void", &[("id", &f.sent)]))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_credit_note() {
    let f = Fixture::new().await;
    let voided = f.ada().form("/api/invoices/void", &[("id", &f.sent)]).await;
    assert_eq!(voided.status, 200, "{}", voided.body);
    f.refused(
        f.bob()
            .form("/api/invoices/email-credit-note", &[("id", &f.sent)]),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reduce_invoice() {
    let f = Fixture::new().await;
    let reduction = json!({ "id": f.sent, "reduction": { "amount": "1", "reason": "mine" } });
    f.refused(f.bob().json("/api/invoices/reduce", reduction))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_draft() {
    let f = Fixture::new().await;
    f.refused(f.bob().form("/api/invoices/delete", &[("id", &f.draft)]))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn record_payment() {
    let f = Fixture::new().await;
    f.refused(f.bob().pay(&f.sent, "1")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replace_public_link() {
    let f = Fixture::new().await;
    f.refused(f.bob().form("/api/invoices/new-link", &[("id", &f.sent)]))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_action() {
    let f = Fixture::new().await;
    let before = f.snapshot().await;
    let answer = f
        .bob()
        .json(
            "/api/invoices/bulk",
            json!({ "ids": [f.draft, f.sent], "action": "void" }),
        )
        .await;
    assert_eq!(answer.body["done"], 0, "{}", answer.body);
    for skipped in answer.body["skipped"].as_array().unwrap() {
        let skipped = skipped.as_str().unwrap();
        assert!(
            skipped.contains("doesn't exist") && !skipped.contains("INV-"),
            "{skipped}"
        );
    }
    assert_eq!(f.snapshot().await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_invoice_reminders() {
    let f = Fixture::new().await;
    f.refused(f.bob().form("/api/reminders/invoice", &[("id", &f.sent)]))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_reminders() {
    let f = Fixture::new().await;
    f.refused(f.bob().form("/api/reminders/pause", &[("id", &f.sent)]))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_reminders() {
    let f = Fixture::new().await;
    assert_eq!(
        f.ada()
            .form("/api/reminders/pause", &[("id", &f.sent)])
            .await
            .status,
        200
    );
    f.refused(f.bob().form("/api/reminders/resume", &[("id", &f.sent)]))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snooze_reminders() {
    let f = Fixture::new().await;
    f.refused(f.bob().form(
        "/api/reminders/snooze",
        &[("id", &f.sent), ("until", "2099-01-01")],
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminder_settings_are_each_users_own() {
    let f = Fixture::new().await;
    let mut steps = Vec::new();
    steps.push(
        json!({ "offset_days": "2", "subject": "Bob's {{invoice_number}}", "body": "Pay up" }),
    );
    let saved = f
        .bob()
        .json(
            "/api/reminders/save",
            json!({ "send_hour": "10", "steps": steps }),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let ada = f.ada().form("/api/reminders/settings", &[]).await;
    assert_eq!(ada.body["send_hour"], 9);
    assert_eq!(ada.body["steps"].as_array().unwrap().len(), 5);
}
