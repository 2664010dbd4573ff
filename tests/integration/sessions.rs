//! Sessions: one per sign-in, ended by signing out (here or everywhere), by expiry after
//! idleness and ninety days after sign-in whatever the use, and listed on the account page,
//! through the real server and database.

use std::time::Duration;

use crate::common::sign_in::{location, session_cookie};
use crate::common::spawn_app;
use mongodb::bson::{DateTime, Document, doc};
use reqwest::header::SET_COOKIE;
use serde_json::Value;

const EMAIL: &str = "ada@example.com";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_replaces_any_existing_session() {
    let app = spawn_app().await;
    let planted = app.sign_in(EMAIL).await;
    app.request_link(EMAIL, "/").await;
    let token = app.latest_token(EMAIL).await;
    let response = app.redeem(&token, Some(&planted)).await;
    let fresh = session_cookie(&response).unwrap();
    assert_ne!(fresh, planted, "a new id on every sign-in");
    assert_eq!(app.me(&planted).await.0, Value::Null, "the old id is dead");
    assert_eq!(app.me(&fresh).await.0["email"], EMAIL);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_ends_the_session() {
    let app = spawn_app().await;
    let cookie = app.sign_in(EMAIL).await;
    let response = app.post_with_cookie("/auth/sign-out", &cookie).await;
    assert_eq!(response.status(), 303);
    let cleared = response.headers()[SET_COOKIE].to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(app.me(&cookie).await.0, Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stolen_cookie_dies_when_the_owner_signs_out_everywhere() {
    let app = spawn_app().await;
    let laptop = app.sign_in(EMAIL).await;
    let stolen = app.sign_in(EMAIL).await;
    let other_user = app.sign_in("grace@example.com").await;
    let before = app.outbox_count().await;

    let response = app
        .post_with_cookie("/auth/sign-out-everywhere", &laptop)
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/sign-in?signed_out=everywhere");

    assert_eq!(app.me(&laptop).await.0, Value::Null);
    assert_eq!(app.me(&stolen).await.0, Value::Null);
    assert_eq!(app.me(&other_user).await.0["email"], "grace@example.com");

    assert_eq!(app.outbox_count().await, before + 1);
    let notices = app.emails_of_kind("security_notice").await;
    let notice = notices.first().expect("a security notice");
    assert_eq!(notice.get_str("to").unwrap(), EMAIL);
    assert!(notice.get_str("text").unwrap().contains("2 sessions ended"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_session_is_signed_out() {
    let app = spawn_app().await;
    let cookie = app.sign_in(EMAIL).await;
    app.expire_all("sessions", Duration::from_millis(1)).await;
    assert_eq!(app.me(&cookie).await.0, Value::Null);
}

/// Every session last used two days ago and ending within the hour: due for renewal.
async fn last_used_two_days_ago(sessions: &mongodb::Collection<Document>) {
    let two_days_ago = DateTime::from_millis(DateTime::now().timestamp_millis() - 2 * 86_400_000);
    let soon = DateTime::from_millis(DateTime::now().timestamp_millis() + 3_600_000);
    sessions
        .update_many(
            doc! {},
            doc! { "$set": { "last_seen_at": two_days_ago, "expires_at": soon } },
        )
        .await
        .unwrap();
    crate::common::seen_by_every_server().await;
}

/// The session ends a full idle lifetime (30 days) from now: it was renewed.
async fn assert_ends_in_thirty_days(sessions: &mongodb::Collection<Document>) {
    let session = sessions.find_one(doc! {}).await.unwrap().unwrap();
    let expires = session
        .get_datetime("expires_at")
        .unwrap()
        .timestamp_millis();
    assert!(expires > DateTime::now().timestamp_millis() + 29 * 86_400_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_in_use_slides_its_expiry_forward() {
    let app = spawn_app().await;
    let cookie = app.sign_in(EMAIL).await;
    let (_, renewed) = app.me(&cookie).await;
    assert!(
        renewed.is_none(),
        "fresh sessions are not renewed on every request"
    );

    let sessions = app.db.collection::<Document>("sessions");
    last_used_two_days_ago(&sessions).await;
    let (me, renewed) = app.me(&cookie).await;
    assert_eq!(me["email"], EMAIL);
    assert_eq!(
        renewed.as_deref(),
        Some(cookie.as_str()),
        "same id, fresh Max-Age"
    );
    assert_ends_in_thirty_days(&sessions).await;
}

/// A server function that needs a session has it looked up in front of it (the API gate):
/// its answer carries the renewed cookie once, as `auth/me`'s does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_slides_forward_when_the_app_calls_for_data_too() {
    let app = spawn_app().await;
    let cookie = app.sign_in(EMAIL).await;
    let sessions = app.db.collection::<Document>("sessions");
    last_used_two_days_ago(&sessions).await;

    let dashboard = app.post_with_cookie("/api/dashboard", &cookie).await;
    assert_eq!(dashboard.status(), 200);
    let set: Vec<_> = dashboard.headers().get_all(SET_COOKIE).iter().collect();
    assert_eq!(set.len(), 1, "{set:?}");
    assert_eq!(session_cookie(&dashboard).as_deref(), Some(cookie.as_str()));
    assert_ends_in_thirty_days(&sessions).await;

    let again = app.post_with_cookie("/api/dashboard", &cookie).await;
    assert_eq!(again.status(), 200);
    assert_eq!(
        session_cookie(&again),
        None,
        "renewed once, not on every call"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ends_ninety_days_after_sign_in_however_much_it_is_used() {
    let app = spawn_app().await;
    let cookie = app.sign_in(EMAIL).await;
    let day = 86_400_000_i64;
    let now = DateTime::now().timestamp_millis();
    let sessions = app.db.collection::<Document>("sessions");
    // Signed in 89 days ago and used every day since: renewal stops at day 90, not day 119.
    sessions
        .update_many(
            doc! {},
            doc! { "$set": {
                "created_at": DateTime::from_millis(now - 89 * day),
                "last_seen_at": DateTime::from_millis(now - 2 * day),
                "expires_at": DateTime::from_millis(now + 3_600_000),
            } },
        )
        .await
        .unwrap();
    crate::common::seen_by_every_server().await;
    let (me, renewed) = app.me(&cookie).await;
    assert_eq!(me["email"], EMAIL);
    assert!(renewed.is_some());
    let session = sessions.find_one(doc! {}).await.unwrap().unwrap();
    let expires = session
        .get_datetime("expires_at")
        .unwrap()
        .timestamp_millis();
    assert!(
        expires <= now - 89 * day + 90 * day + 60_000,
        "expiry capped at 90 days after sign-in"
    );
    // A session from before the cap, renewed past it, ends at 90 days all the same.
    sessions
        .update_many(
            doc! {},
            doc! { "$set": {
                "created_at": DateTime::from_millis(now - 91 * day),
                "expires_at": DateTime::from_millis(now + 10 * day),
            } },
        )
        .await
        .unwrap();
    crate::common::seen_by_every_server().await;
    assert_eq!(app.me(&cookie).await.0, Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_lists_its_live_sessions_and_marks_this_one() {
    let app = spawn_app().await;
    let laptop = app.sign_in(EMAIL).await;
    let _phone = app.sign_in(EMAIL).await;
    app.sign_in("grace@example.com").await;
    let response = app.post_with_cookie("/api/account/sessions", &laptop).await;
    assert_eq!(response.status(), 200);
    let sessions: Value = response.json().await.unwrap();
    let sessions = sessions.as_array().unwrap();
    assert_eq!(sessions.len(), 2, "only this user's sessions");
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    assert!(
        sessions
            .iter()
            .all(|s| s["method"] == "email_link" && s["ip"] == "127.0.0.1")
    );
    let text = serde_json::to_string(&sessions).unwrap();
    assert!(
        !text.contains(&laptop),
        "session ids never leave the server"
    );

    // Told in the user's zone (Paris): signed in at 23:30 UTC on 30 November is 1 December.
    let user = app.user_document(EMAIL).await;
    let late_evening = DateTime::parse_rfc3339_str("2026-11-30T23:30:00Z").unwrap();
    app.db
        .collection::<Document>("sessions")
        .update_many(
            doc! { "user_id": user.get_object_id("_id").unwrap() },
            doc! { "$set": { "created_at": late_evening } },
        )
        .await
        .unwrap();
    let response = app.post_with_cookie("/api/account/sessions", &laptop).await;
    let sessions: Value = response.json().await.unwrap();
    let paris_now = jiff::Zoned::now().in_tz("Europe/Paris").unwrap();
    for session in sessions.as_array().unwrap() {
        assert_eq!(session["signed_in_on"], "Tue 1 Dec 2026", "{session}");
        let last_used = session["last_used"].as_str().unwrap();
        assert!(
            last_used.ends_with(&paris_now.strftime(", %H:%M").to_string())
                || last_used.ends_with(
                    &(paris_now.clone() - jiff::SignedDuration::from_mins(1))
                        .strftime(", %H:%M")
                        .to_string()
                ),
            "{last_used}, now {paris_now}"
        );
    }

    let anonymous = app.call("/api/account/sessions", &[]).await;
    assert_eq!(anonymous.status(), 401);
}
