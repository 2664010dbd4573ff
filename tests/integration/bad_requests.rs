//! What a caller gets back for a request PayTrack can't act on as sent: what to change, in
//! words (no Rust type names, no positions in the body), and nothing changed.

use mongodb::bson::doc;
use serde_json::{Value, json};

use crate::common::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arguments_that_cannot_be_read_say_what_to_change_and_change_nothing() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    let client = ada.client("Acme").await;

    let cut_off = ada
        .raw("/api/invoices/create", "application/json", "{\"input\": {")
        .await;
    assert_eq!(cut_off.status, 400, "{}", cut_off.body);
    assert_eq!(cut_off.body["BadRequest"], "its body is not valid JSON.");
    let wrong_kind = ada
        .json("/api/invoices/create", json!({ "input": "Acme" }))
        .await;
    assert_eq!(wrong_kind.status, 400, "{}", wrong_kind.body);
    assert_eq!(
        wrong_kind.body["BadRequest"],
        "the text “Acme” where an object belongs."
    );
    // serde would read the arguments from a list too, and named the Rust type it wanted.
    let a_list = ada
        .raw("/api/clients/create", "application/json", "[]")
        .await;
    assert_eq!(a_list.status, 400, "{}", a_list.body);
    assert_eq!(
        a_list.body["BadRequest"],
        "a list of 0 values where an object belongs."
    );
    let twice = ada
        .form(
            "/api/clients/archive",
            &[("id", &client), ("id", &client), ("archived", "true")],
        )
        .await;
    assert_eq!(twice.status, 400, "{}", twice.body);
    assert_eq!(twice.body["BadRequest"], "“id” is given more than once.");
    let not_yes_or_no = ada
        .form(
            "/api/clients/archive",
            &[("id", &client), ("archived", "maybe")],
        )
        .await;
    assert_eq!(
        not_yes_or_no.body["BadRequest"],
        "a yes-or-no value must be “true” or “false”."
    );

    assert_eq!(app.count("invoices", doc! {}).await, 0);
    assert_eq!(app.count("clients", doc! { "archived": true }).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_method_an_address_does_not_take_is_refused_in_words_not_with_a_blank_page() {
    let app = spawn_app().await;
    let cookie = app.sign_in("ada@example.com").await;
    // A server function is called with POST: said as a server function's error, like every
    // error under /api/.
    let api = app.get_with_cookie("/api/dashboard", &cookie).await;
    assert_eq!(api.status(), 405);
    assert_eq!(api.headers()["allow"], "POST");
    let body: Value = api.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "BadRequest": "This address takes POST requests only; nothing was done." })
    );
    // Signing out is a form's POST; typed into the address bar it signs nobody out, and says so.
    let sign_out = app.get_with_cookie("/auth/sign-out", &cookie).await;
    assert_eq!(sign_out.status(), 405);
    assert!(
        sign_out.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain"),
    );
    assert_eq!(
        sign_out.text().await.unwrap(),
        "This address takes POST requests only; nothing was done."
    );
    assert_eq!(
        app.get_with_cookie("/dashboard", &cookie).await.status(),
        200
    );
    // A page is read, not posted to.
    let page = app.http.post(app.url("/dashboard")).send().await.unwrap();
    assert_eq!(page.status(), 405);
    assert_eq!(
        page.text().await.unwrap(),
        "This address takes GET or HEAD requests only; nothing was done."
    );
}
