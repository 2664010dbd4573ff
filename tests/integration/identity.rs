//! One identity per address: `Ada@Example.com` and `ada@example.com` are one account, old
//! accounts are lower-cased at the first start-up, and the sign-in address changes only through a link
//! sent to the new address, with notices to the old one.

use mongodb::bson::{DateTime, Document, doc, oid::ObjectId};
use serde_json::Value;

use crate::common::sign_in::location;
use crate::common::{
    TestApp, config_with, leptos_options, spawn_app, test_mongodb_uri, unique_name,
};
use paytrack::server::startup::Application;

impl TestApp {
    async fn user_count(&self) -> u64 {
        self.count("users", doc! {}).await
    }

    /// The token of the newest email of `kind` to `to`, after `marker` in its text.
    async fn token_in_mail(&self, to: &str, kind: &str, marker: &str) -> String {
        let mail = self
            .db
            .collection::<Document>("outbox")
            .find_one(doc! { "to": to, "kind": kind })
            .sort(doc! { "created_at": -1, "_id": -1 })
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no {kind} email to {to}"));
        let text = mail.get_str("text").unwrap();
        let start = text.find(marker).expect("the link is in the text") + marker.len();
        text[start..start + 43].to_string()
    }

    async fn confirm_address(&self, token: &str) -> reqwest::Response {
        self.http
            .post(self.url("/account/address"))
            .form(&[("token", token)])
            .send()
            .await
            .unwrap()
    }

    async fn notices_to(&self, to: &str) -> Vec<String> {
        use futures::TryStreamExt;
        self.db
            .collection::<Document>("outbox")
            .find(doc! { "to": to, "kind": "security_notice" })
            .await
            .unwrap()
            .try_collect::<Vec<Document>>()
            .await
            .unwrap()
            .iter()
            .map(|m| m.get_str("text").unwrap().to_string())
            .collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_is_one_account_however_it_is_capitalised() {
    let app = spawn_app().await;
    let first = app.sign_in("Ada@Example.COM").await;
    let second = app.sign_in("ada@example.com").await;
    assert_eq!(app.user_count().await, 1);
    assert_eq!(app.me(&first).await.0["email"], "ada@example.com");
    assert_eq!(app.me(&second).await.0["email"], "ada@example.com");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_made_before_are_lower_cased_and_a_clash_is_left_for_the_operator() {
    let app = spawn_app().await;
    let users = app.db.collection::<Document>("users");
    let account = |email: &str, days_ago: i64| {
        doc! {
            "_id": ObjectId::new(), "email": email, "name": "x", "time_zone": "UTC",
            "created_at": DateTime::from_millis(DateTime::now().timestamp_millis() - days_ago * 86_400_000),
        }
    };
    let bob = account("Bob@Example.com", 9);
    let (eve_old, eve_new) = (account("Eve@Example.com", 9), account("eve@example.com", 1));
    users
        .insert_many([bob.clone(), eve_old.clone(), eve_new.clone()])
        .await
        .unwrap();

    let done = paytrack::server::db::users::normalize_emails(&app.db)
        .await
        .unwrap();
    assert_eq!(done.changed, 1);
    assert_eq!(done.conflicts, vec![eve_old.get_object_id("_id").unwrap()]);
    // Running it again changes nothing.
    let again = paytrack::server::db::users::normalize_emails(&app.db)
        .await
        .unwrap();
    assert_eq!(again.changed, 0);

    // Bob signs in with any capitalisation and reaches his account.
    let cookie = app.sign_in("BOB@example.com").await;
    assert_eq!(app.me(&cookie).await.0["email"], "bob@example.com");
    assert_eq!(app.user_count().await, 3, "no new account for Bob");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_address_migration_runs_at_the_first_start_only() {
    let uri = test_mongodb_uri();
    let name = unique_name("migrate");
    let db = mongodb::Client::with_uri_str(&uri)
        .await
        .unwrap()
        .database(&name);
    let users = db.collection::<Document>("users");
    let add = |email: &str| {
        users.insert_one(doc! {
            "_id": ObjectId::new(), "email": email, "name": "x", "time_zone": "UTC",
            "created_at": DateTime::now(),
        })
    };
    let email_of = |email: &'static str| {
        let users = users.clone();
        async move {
            users
                .find_one(doc! { "name": "x", "email": { "$regex": format!("(?i)^{email}$") } })
                .await
                .unwrap()
                .unwrap()
                .get_str("email")
                .unwrap()
                .to_string()
        }
    };
    let start = || Application::build(config_with(&uri, &name, &[]), leptos_options());

    add("Bob@Example.com").await.unwrap();
    drop(start().await.expect("the first start"));
    assert_eq!(email_of("bob@example.com").await, "bob@example.com");
    let recorded = db
        .collection::<Document>("migrations")
        .count_documents(doc! { "_id": "2026-12-lowercase-emails" })
        .await
        .unwrap();
    assert_eq!(recorded, 1, "the migration is recorded as run");

    // A later start does not scan the users again: an address stored in mixed case by hand
    // (nothing in PayTrack stores one now) is left as it is.
    add("Carol@Example.com").await.unwrap();
    drop(start().await.expect("the second start"));
    assert_eq!(email_of("carol@example.com").await, "Carol@Example.com");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_address_changes_only_through_the_link_sent_to_it() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    let asked = ada
        .form(
            "/api/account/address",
            &[("new_address", " Ada.New@Example.com ")],
        )
        .await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    assert_eq!(asked.body["Sent"], "ada.new@example.com");
    // Nothing changed yet; the old address was told.
    assert_eq!(app.me(&ada.cookie).await.0["email"], "ada@example.com");
    let told = app.notices_to("ada@example.com").await;
    assert!(
        told.iter()
            .any(|t| t.contains("asked to sign in as ada.new@example.com")),
        "{told:?}"
    );

    let token = app
        .token_in_mail("ada.new@example.com", "address_confirmation", "token=")
        .await;
    // A sign-in link cannot confirm an address, nor a confirmation sign anyone in.
    let as_sign_in = app.redeem(&token, None).await;
    assert_eq!(location(&as_sign_in), "/sign-in?problem=link");
    let status = app
        .call("/api/account/address-status", &[("token", token.as_str())])
        .await;
    let status: Value = status.json().await.unwrap();
    assert_eq!(status, "ada.new@example.com");

    let confirmed = app.confirm_address(&token).await;
    assert_eq!(location(&confirmed), "/account?address=changed");
    let (me, _) = app.me(&ada.cookie).await;
    assert_eq!(me["email"], "ada.new@example.com", "the session lives on");
    let told = app.notices_to("ada@example.com").await;
    assert!(
        told.iter()
            .any(|t| t.contains("now signs in as ada.new@example.com")),
        "{told:?}"
    );
    // The link works once.
    assert_eq!(
        location(&app.confirm_address(&token).await),
        "/account/address?problem=link"
    );
    // The new address signs in to the same account.
    let again = app.sign_in("ada.new@example.com").await;
    assert_eq!(app.me(&again).await.0["email"], "ada.new@example.com");
    assert_eq!(app.user_count().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_another_account_has_is_not_taken_and_bad_input_changes_nothing() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    app.sign_in("grace@example.com").await;
    for (input, says) in [
        ("not an address", "needs an @"),
        ("ADA@example.com", "already the address you sign in with"),
    ] {
        let answer = ada
            .form("/api/account/address", &[("new_address", input)])
            .await;
        assert_eq!(answer.status, 200);
        assert!(
            answer.body["Invalid"].as_str().unwrap().contains(says),
            "{}",
            answer.body
        );
    }
    assert_eq!(
        ada.form(
            "/api/account/address",
            &[("new_address", "Grace@example.com")]
        )
        .await
        .status,
        200
    );
    let token = app
        .token_in_mail("grace@example.com", "address_confirmation", "token=")
        .await;
    assert_eq!(
        location(&app.confirm_address(&token).await),
        "/account/address?problem=taken"
    );
    assert_eq!(app.me(&ada.cookie).await.0["email"], "ada@example.com");
    assert_eq!(app.user_count().await, 2);
    // Signed out, nobody can ask.
    let anonymous = app
        .call("/api/account/address", &[("new_address", "x@example.com")])
        .await;
    assert_eq!(anonymous.status(), 401);
}
