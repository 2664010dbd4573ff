//! One user can never read or change another's clients or invoices, whatever ids they send:
//! every client and invoice server function, called by Bob with Ada's ids, answers "not found"
//! (or, where it takes a list, leaves Ada's items out) and changes nothing.

use mongodb::bson::{Document, doc};
use serde_json::{Value, json};

use crate::common::billing::{Answer, User, client_input, invoice_input};
use crate::common::{TestApp, spawn_app};
use paytrack::api::clients::UpdateClient;
use paytrack::api::invoices::{CreateInvoice, UpdateInvoice};

/// Ada with a client, a draft and a sent invoice; Bob signed in next to her.
struct Fixture {
    app: TestApp,
    bob_cookie: String,
    ada_cookie: String,
    client: String,
    draft: String,
    sent: String,
}

impl Fixture {
    async fn new() -> Self {
        let app = spawn_app().await;
        let (ada_cookie, client, draft, sent) = {
            let ada = app.user("ada@example.test").await;
            let client = ada.client("Acme").await;
            let (draft, _) = ada.draft(&client).await;
            let (sent, _) = ada.draft(&client).await;
            assert_eq!(ada.send(&sent).await.status, 200);
            (ada.cookie.clone(), client, draft, sent)
        };
        let bob_cookie = app.sign_in("bob@example.test").await;
        Fixture {
            app,
            bob_cookie,
            ada_cookie,
            client,
            draft,
            sent,
        }
    }

    fn bob(&self) -> User<'_> {
        User {
            app: &self.app,
            cookie: self.bob_cookie.clone(),
        }
    }

    fn ada(&self) -> User<'_> {
        User {
            app: &self.app,
            cookie: self.ada_cookie.clone(),
        }
    }

    /// Every document of every billing collection, to compare before and after.
    async fn snapshot(&self) -> Vec<Document> {
        let mut all = Vec::new();
        for name in [
            "clients",
            "invoices",
            "invoice_sequences",
            "activity",
            "email_jobs",
        ] {
            let mut cursor = self
                .app
                .db
                .collection::<Document>(name)
                .find(doc! {})
                .sort(doc! { "_id": 1 })
                .await
                .unwrap();
            while cursor.advance().await.unwrap() {
                all.push(cursor.deserialize_current().unwrap());
            }
        }
        all
    }

    /// Runs Bob's call and checks it was "not found" and that nothing changed.
    async fn refused<F: std::future::Future<Output = Answer>>(&self, call: F) {
        let before = self.snapshot().await;
        let answer = call.await;
        assert_eq!(answer.status, 404, "{}", answer.body);
        let message = answer.body["NotFound"].as_str().unwrap_or_default();
        assert!(message.contains("doesn't exist"), "{}", answer.body);
        assert_eq!(self.snapshot().await, before, "Bob's call changed nothing");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_client() {
    let f = Fixture::new().await;
    f.refused(f.bob().form("/api/clients/get", &[("id", &f.client)]))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_client() {
    let f = Fixture::new().await;
    f.refused(f.bob().call(&UpdateClient {
        id: f.client.clone(),
        input: client_input("Hijacked"),
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archive_client() {
    let f = Fixture::new().await;
    f.refused(f.bob().form(
        "/api/clients/archive",
        &[("id", &f.client), ("archived", "true")],
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_names_are_each_users_own_by_name_with_archived_ones() {
    let f = Fixture::new().await;
    assert_eq!(
        f.bob().form("/api/clients/names", &[]).await.body,
        json!([])
    );

    let ada = f.ada();
    let zed = ada.client("zed studio").await;
    let bea = ada.client("Bea").await;
    let archived = ada
        .form(
            "/api/clients/archive",
            &[("id", &zed), ("archived", "true")],
        )
        .await;
    assert_eq!(archived.status, 200, "{:?}", archived.body);
    // Names in name order whatever their case, archived ones too (their invoices stay
    // listed), and nothing but the id and the name.
    assert_eq!(
        ada.form("/api/clients/names", &[]).await.body,
        json!([
            { "id": f.client, "name": "Acme" },
            { "id": bea, "name": "Bea" },
            { "id": zed, "name": "zed studio" },
        ])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_clients() {
    let f = Fixture::new().await;
    let listed = f
        .bob()
        .form(
            "/api/clients/list",
            &[("search", ""), ("include_archived", "true")],
        )
        .await;
    assert_eq!(listed.body, json!([]));
    assert_eq!(
        f.ada()
            .form(
                "/api/clients/list",
                &[("search", ""), ("include_archived", "true")]
            )
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard() {
    let f = Fixture::new().await;
    let bob = f.bob().form("/api/dashboard", &[]).await;
    assert_eq!(bob.body["currencies"], json!([]));
    assert_eq!(bob.body["coming_due"], json!([]));
    assert_eq!(bob.body["activity"], json!([]));
    let ada = f.ada().form("/api/dashboard", &[]).await;
    assert_eq!(ada.body["currencies"][0]["outstanding"]["minor"], 20_156);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_out_callers_get_401_everywhere() {
    let f = Fixture::new().await;
    for endpoint in [
        "/api/clients/list",
        "/api/clients/names",
        "/api/clients/get",
        "/api/clients/archive",
        "/api/invoices/get",
        "/api/invoices/send",
        "/api/invoices/void",
        "/api/invoices/email-credit-note",
        "/api/invoices/delete",
        "/api/invoices/duplicate",
        "/api/invoices/new-link",
        "/api/invoices/editor",
        "/api/dashboard",
        "/api/reminders/settings",
        "/api/reminders/invoice",
        "/api/reminders/pause",
        "/api/reminders/resume",
        "/api/reminders/snooze",
    ] {
        let answer = f
            .app
            .call(
                endpoint,
                &[
                    ("id", &f.sent),
                    ("search", ""),
                    ("include_archived", "false"),
                    ("archived", "true"),
                    ("until", "2099-01-01"),
                ],
            )
            .await;
        assert_eq!(answer.status(), 401, "{endpoint}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_of_anothers_invoices_and_clients_are_not_found() {
    let f = Fixture::new().await;
    let pages = [
        format!("/invoices/{}", f.draft),
        format!("/invoices/{}", f.sent),
        format!("/invoices/{}/edit", f.draft),
        format!("/clients/{}", f.client),
    ];
    for path in pages
        .iter()
        .map(String::as_str)
        .chain(["/invoices/not-an-id"])
    {
        let page = f.app.get_with_cookie(path, &f.bob_cookie).await;
        assert_eq!(page.status(), 404, "{path}");
        let html = page.text().await.unwrap();
        assert!(
            html.contains("doesn&#x27;t exist") || html.contains("doesn't exist"),
            "{path}: {html}"
        );
        assert!(!html.contains("Acme"), "{path} shows nothing of Ada's");
    }
    // The same pages are Ada's own.
    for path in &pages {
        let page = f.app.get_with_cookie(path, &f.ada_cookie).await;
        assert_eq!(page.status(), 200, "{path}");
        assert!(page.text().await.unwrap().contains("Acme"), "{path}");
    }
}
