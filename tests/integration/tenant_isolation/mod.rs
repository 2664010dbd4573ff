//! One user can never read or change another's clients or invoices, whatever ids they send:
//! every client and invoice server function, called by Bob with Ada's ids, answers "not found"
//! (or, where it takes a list, leaves Ada's items out) and changes nothing.

mod clients;
mod invoices;

use mongodb::bson::{Document, doc};
use serde_json::json;

use crate::common::billing::{Answer, User};
use crate::common::{TestApp, spawn_app};

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
async fn dashboard() {
    let f = Fixture::new().await;
    let bob = f.bob().form("/api/dashboard", &[]).await;
    assert_eq!(bob.body["currencies"], json!([]));
    assert_eq!(bob.body["coming_due"], json!([]));
    assert_eq!(bob.body["activity"], json!([]));
    let ada = f.ada().form("/api/dashboard", &[]).await;
    assert_eq!(ada.body["currencies"][0]["outstanding"]["minor"], 20_156);
}

/// Every server function but those that serve signed-out visitors answers a caller without a
/// live session 401 before it reads the body: with arguments that would do something, with
/// none, with a body that is no JSON, and with a cookie of no session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_out_callers_get_401_everywhere() {
    use paytrack::server::auth::api_gate::OPEN_ENDPOINTS;

    let f = Fixture::new().await;
    let mut endpoints: Vec<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .filter(|path| !OPEN_ENDPOINTS.contains(path))
        .collect();
    endpoints.sort_unstable();
    assert!(endpoints.len() >= 50, "{endpoints:?}");
    let unknown = format!("paytrack_session={}", "A".repeat(43));
    for endpoint in endpoints {
        let with_ids = f.app.http.post(f.app.url(endpoint)).form(&[
            ("id", f.sent.as_str()),
            ("search", ""),
            ("include_archived", "false"),
            ("archived", "true"),
            ("until", "2099-01-01"),
        ]);
        let empty = f.app.http.post(f.app.url(endpoint));
        let not_json = f
            .app
            .http
            .post(f.app.url(endpoint))
            .header("content-type", "application/json")
            .body("{");
        let stranger = f
            .app
            .http
            .post(f.app.url(endpoint))
            .header("cookie", &unknown);
        for (how, request) in [
            ("with ids", with_ids),
            ("empty", empty),
            ("not JSON", not_json),
            ("unknown session", stranger),
        ] {
            let answer = request.send().await.unwrap();
            assert_eq!(answer.status(), 401, "{endpoint} {how}");
            let body: serde_json::Value = answer.json().await.unwrap();
            assert_eq!(body, json!("Unauthorized"), "{endpoint} {how}");
        }
    }
    // Those open to anyone still read what they are given and say what is wrong with it.
    let open = f.app.call("/api/public/invoice", &[]).await;
    assert_eq!(open.status(), 400);
    // Nothing was sent, voided, deleted or archived on the way.
    assert_eq!(f.app.count("invoices", doc! { "status": "Open" }).await, 1);
    assert_eq!(f.app.count("invoices", doc! { "status": "Draft" }).await, 1);
    assert_eq!(f.app.count("clients", doc! { "archived": true }).await, 0);
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
