//! The user's data rights: export everything (no secrets), and delete everything.

use crate::common::sign_in::{location, session_cookie};
use crate::common::{TestApp, spawn_app};
use crate::write_off::stored;
use futures::TryStreamExt;
use mongodb::bson::{Document, doc};
use reqwest::header::{CONTENT_DISPOSITION, SET_COOKIE};
use serde_json::Value;

const EMAIL: &str = "ada@example.com";
const OTHER: &str = "grace@example.com";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_export_holds_the_profile_and_sessions_and_no_secrets() {
    let app = spawn_app().await;
    let cookie = app.sign_in(EMAIL).await;
    app.sign_in(OTHER).await;

    let response = app.get_with_cookie("/account/export", &cookie).await;
    assert_eq!(response.status(), 200);
    let disposition = response.headers()[CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.starts_with("attachment; filename=\"paytrack-export-"),
        "{disposition}"
    );
    let raw = response.text().await.unwrap();
    let export: Value = serde_json::from_str(&raw).unwrap();

    assert_eq!(export["format"], "paytrack-export/1");
    assert_eq!(export["account"], EMAIL);
    let users = export["data"]["users"].as_array().unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0]["email"], EMAIL);
    assert_eq!(users[0]["time_zone"], "Europe/Paris");
    let sessions = export["data"]["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["method"], "email_link");

    // Nothing of the other user, and no secret: not the session id, not its hash.
    assert!(!raw.contains(OTHER), "{raw}");
    assert!(!raw.contains(&cookie));
    let stored = app
        .db
        .collection::<Document>("sessions")
        .find_one(doc! {})
        .await
        .unwrap()
        .unwrap();
    assert!(!raw.contains(stored.get_str("_id").unwrap()));
    assert!(
        !raw.contains("token="),
        "login links never leave the outbox"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_out_export_and_delete_go_to_sign_in() {
    let app = spawn_app().await;
    let export = app
        .http
        .get(app.url("/account/export"))
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), 303);
    assert_eq!(location(&export), "/sign-in?next=/account");
    let delete = app.call("/account/delete", &[("confirm", EMAIL)]).await;
    assert_eq!(location(&delete), "/sign-in?next=/account");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_confirmation_deletes_nothing() {
    let app = spawn_app().await;
    let cookie = app.sign_in(EMAIL).await;
    let response = app
        .post_form_with_cookie("/account/delete", &cookie, &[("confirm", "delete")])
        .await;
    assert_eq!(location(&response), "/account?problem=confirm#delete");
    assert_eq!(app.me(&cookie).await.0["email"], EMAIL);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_the_account_leaves_nothing_of_the_user_in_any_collection() {
    let app = spawn_app().await;
    let first = app.sign_in(EMAIL).await;
    let second = app.sign_in(EMAIL).await;
    app.request_link(EMAIL, "/").await; // an unused login link, too
    let other = app.sign_in(OTHER).await;
    let user_id = app
        .user_document(EMAIL)
        .await
        .get_object_id("_id")
        .unwrap()
        .to_hex();

    let response = app
        .post_form_with_cookie(
            "/account/delete",
            &first,
            &[("confirm", " ADA@example.com ")],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/account/deleted");
    let cleared = response.headers()[SET_COOKIE].to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"));
    assert!(session_cookie(&response).is_none());

    assert_eq!(app.me(&first).await.0, Value::Null);
    assert_eq!(app.me(&second).await.0, Value::Null);
    assert_eq!(
        app.me(&other).await.0["email"],
        OTHER,
        "other users are untouched"
    );

    // Every collection, every document: neither the id nor the address of the user remains,
    // except the deletion receipt just sent to them.
    for name in app.db.list_collection_names().await.unwrap() {
        let documents: Vec<Document> = app
            .db
            .collection::<Document>(&name)
            .find(doc! {})
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        for document in documents {
            if document.get_str("kind") == Ok("deletion_receipt") {
                continue;
            }
            let text = format!("{document:?}");
            assert!(!text.contains(&user_id), "{name}: {text}");
            assert!(!text.to_lowercase().contains(EMAIL), "{name}: {text}");
        }
    }

    let receipts = app.emails_of_kind("deletion_receipt").await;
    let receipt = receipts.first().expect("a receipt was sent");
    assert_eq!(receipt.get_str("to").unwrap(), EMAIL);
    assert!(receipt.get_str("text").unwrap().contains("was deleted on"));
}

/// The export file of the user signed in with `cookie`, as text.
async fn export_of(app: &TestApp, cookie: &str) -> String {
    app.get_with_cookie("/account/export", cookie)
        .await
        .text()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_export_leaves_out_the_clients_live_invoice_links() {
    use crate::common::chasing::sent_invoice;
    let app = spawn_app().await;
    let user = app.user(EMAIL).await;
    let client = user.client("Grace Hopper").await;
    let id = sent_invoice(&user, &client, 10).await;
    let invoice = stored(&app, &id).await;
    let token = invoice.get_str("public_token").unwrap().to_string();
    // The link went out to the client in the invoice email.
    let sent_with_link = app
        .count("outbox", doc! { "text": { "$regex": token.as_str() } })
        .await;
    assert_eq!(sent_with_link, 1);

    let raw = export_of(&app, &user.cookie).await;
    assert!(!raw.contains(&token), "the live link is not in the export");
    let export: Value = serde_json::from_str(&raw).unwrap();
    let exported = &export["data"]["invoices"][0];
    assert_eq!(
        exported["public_token"],
        "[client link left out of the export]"
    );
    assert_eq!(exported["bill_to"]["name"], "Grace Hopper");
    assert!(
        exported.get("search_grams").is_none(),
        "the search index stays out: {exported}"
    );
    // Leaving it out of the file does not break it for the client.
    let page = app
        .call("/api/public/invoice", &[("token", token.as_str())])
        .await;
    assert_eq!(page.status(), 200);
}

#[tokio::test]
async fn the_export_leaves_out_the_link_a_draft_whose_send_failed_will_go_out_with() {
    use crate::stripe_connect::app_with_stripe;
    use crate::stripe_payments::{KEY, with_client};
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, EMAIL, KEY, "Grace Hopper").await;
    let (id, _) = user.draft(&client).await;
    stripe.fail_next_at(
        "/v1/payment_links",
        1,
        400,
        "invalid_request_error",
        None,
        "The account cannot create payment links right now.",
    );
    assert_eq!(user.send(&id).await.status, 422);
    let draft = stored(&app, &id).await;
    let token = draft.get_str("send_token").unwrap().to_string();

    let raw = export_of(&app, &user.cookie).await;
    assert!(!raw.contains(&token), "the link to be is not in the export");
    let export: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(export["data"]["invoices"][0]["status"], "Draft");

    // Sent after all, the invoice goes out with that link.
    let sent = user.send(&id).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert!(
        sent.body["public_url"]
            .as_str()
            .is_some_and(|url| url.ends_with(&token)),
        "{}",
        sent.body
    );
}
