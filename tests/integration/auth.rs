//! Emailed login links, where signing in leads, the cross-origin guard and the profile,
//! through the real server and database (sessions: `sessions.rs`). Emails are read from the
//! dev outbox the server writes to.

use std::time::Duration;

use crate::common::rate_window::start_inside_one_window;
use crate::common::sign_in::{location, session_cookie};
use crate::common::{markup, spawn_app};
use mongodb::bson::{Document, doc};
use paytrack::server::auth::login_link;
use reqwest::header::{COOKIE, ORIGIN, REFERER, SET_COOKIE};
use serde_json::Value;

const EMAIL: &str = "ada@example.com";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_link_signs_in_and_creates_the_account_once() {
    let app = spawn_app().await;
    let response = app.request_link(EMAIL, "/account").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, serde_json::json!({ "Sent": { "email": EMAIL } }));

    let token = app.latest_token(EMAIL).await;
    let status: Value = app
        .call("/api/auth/link-status", &[("token", &token)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        status,
        serde_json::json!(EMAIL),
        "peeking shows who the link is for"
    );

    let response = app.redeem(&token, None).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/account");
    let set_cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_string();
    for part in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(set_cookie.contains(part), "{set_cookie}");
    }
    assert!(
        !set_cookie.contains("Secure"),
        "plain http on loopback: {set_cookie}"
    );
    let cookie = session_cookie(&response).unwrap();

    let (me, _) = app.me(&cookie).await;
    assert_eq!(me["email"], EMAIL);
    assert_eq!(me["name"], "ada");
    assert_eq!(me["time_zone"], "Europe/Paris");
    assert_eq!(me["signed_in_with"], "email_link");
    assert_eq!(me["google_linked"], false);

    // A second sign-in with the same address lands in the same account.
    let again = app.sign_in(EMAIL).await;
    assert_ne!(again, cookie);
    assert_eq!(app.count("users", doc! { "email": EMAIL }).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_works_once() {
    let app = spawn_app().await;
    app.request_link(EMAIL, "/account").await;
    let token = app.latest_token(EMAIL).await;
    assert_eq!(app.redeem(&token, None).await.status(), 303);

    let second = app.redeem(&token, None).await;
    assert_eq!(second.status(), 303);
    assert_eq!(location(&second), "/sign-in?problem=link");
    assert!(session_cookie(&second).is_none());
    let status: Value = app
        .call("/api/auth/link-status", &[("token", &token)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status, Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_uses_of_one_link_sign_in_once() {
    let app = spawn_app().await;
    app.request_link(EMAIL, "/account").await;
    let token = app.latest_token(EMAIL).await;
    let attempts = futures::future::join_all((0..8).map(|_| app.redeem(&token, None))).await;
    let winners = attempts
        .iter()
        .filter(|r| session_cookie(r).is_some())
        .count();
    assert_eq!(winners, 1);
    assert_eq!(app.count("sessions", doc! {}).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_link_fails() {
    let app = spawn_app().await;
    app.request_link(EMAIL, "/account").await;
    let token = app.latest_token(EMAIL).await;
    app.expire_all("login_tokens", Duration::from_secs(1)).await;
    let response = app.redeem(&token, None).await;
    assert_eq!(location(&response), "/sign-in?problem=link");
    assert!(session_cookie(&response).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_hashes_of_tokens_and_session_ids_are_stored() {
    let app = spawn_app().await;
    app.request_link(EMAIL, "/account").await;
    let token = app.latest_token(EMAIL).await;
    let stored = app
        .db
        .collection::<Document>("login_tokens")
        .find_one(doc! {})
        .await
        .unwrap()
        .unwrap();
    let stored_id = stored.get_str("_id").unwrap();
    assert_ne!(stored_id, token);
    assert_eq!(stored_id.len(), 64);

    let cookie = session_cookie(&app.redeem(&token, None).await).unwrap();
    let session = app
        .db
        .collection::<Document>("sessions")
        .find_one(doc! {})
        .await
        .unwrap()
        .unwrap();
    assert_ne!(session.get_str("_id").unwrap(), cookie);
    assert_eq!(session.get_str("_id").unwrap().len(), 64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn link_requests_are_rate_limited_per_address() {
    let app = spawn_app().await;
    start_inside_one_window(login_link::PER_EMAIL_PER_NETWORK.window).await;
    for _ in 0..3 {
        assert_eq!(app.request_link(EMAIL, "/").await.status(), 200);
    }
    let sent = app.outbox_count().await;
    let limited = app.request_link(EMAIL, "/").await;
    assert_eq!(limited.status(), 429);
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    let error: Value = limited.json().await.unwrap();
    assert!(
        error["TooManyRequests"][0]
            .as_str()
            .unwrap()
            .contains("Too many sign-in links"),
        "{error}"
    );
    assert_eq!(
        app.outbox_count().await,
        sent,
        "a refused request sends nothing"
    );
    // Another address is not affected.
    assert_eq!(
        app.request_link("grace@example.com", "/").await.status(),
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn link_requests_are_rate_limited_per_client_address() {
    let app = spawn_app().await;
    start_inside_one_window(login_link::PER_IP.window).await;
    for i in 0..10 {
        let email = format!("person{i}@example.com");
        assert_eq!(app.request_link(&email, "/").await.status(), 200);
    }
    let limited = app.request_link("person10@example.com", "/").await;
    assert_eq!(limited.status(), 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_address_is_a_field_error_and_sends_nothing() {
    let app = spawn_app().await;
    let response = app.request_link("not-an-address", "/").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["InvalidEmail"].as_str().unwrap().contains("@"),
        "{body}"
    );
    assert_eq!(app.outbox_count().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_same_site_paths_are_followed_after_sign_in() {
    let app = spawn_app().await;
    for (next, expected) in [
        ("//evil.example/phish", "/"),
        ("https://evil.example", "/"),
        ("/\\evil.example", "/"),
        ("/account?tab=profile", "/account?tab=profile"),
    ] {
        let email = format!("next{}@example.com", expected.len() + next.len());
        app.request_link(&email, next).await;
        let token = app.latest_token(&email).await;
        let response = app.redeem(&token, None).await;
        assert_eq!(location(&response), expected, "{next}");
    }
}

/// The landing page's way in and the sign-in page itself lead someone already signed in on,
/// to a same-site page only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn someone_signed_in_is_led_on_rather_than_asked_to_sign_in() {
    let app = spawn_app().await;
    let landing = app.get_text("/").await;
    assert!(
        landing.contains(r#"href="/sign-in" class="button primary">Get started free"#),
        "{landing}"
    );
    assert!(!landing.contains("Open your dashboard"));
    let sign_in = app.get_text("/sign-in?next=%2Finvoices").await;
    assert!(!sign_in.contains("You are signed in as"), "{sign_in}");

    let cookie = app.sign_in(EMAIL).await;
    let page = |path: &'static str| {
        let app = &app;
        let cookie = &cookie;
        async move {
            let response = app.get_with_cookie(path, cookie).await;
            assert_eq!(response.status(), 200, "{path}");
            markup(&response.text().await.unwrap())
        }
    };
    let landing = page("/").await;
    assert!(
        landing.contains(r#"href="/dashboard" class="button primary">Open your dashboard"#),
        "{landing}"
    );
    assert!(!landing.contains("Get started free"));
    assert!(!page("/pricing").await.contains("Start free"));

    for (path, onward) in [
        (
            "/sign-in?next=%2Finvoices%3Fstatus%3Doverdue",
            r#"href="/invoices?status=overdue">Go on to the page you were opening"#,
        ),
        ("/sign-in", r#"href="/dashboard">Open your dashboard"#),
        (
            "/sign-in?next=%2F%2Fevil.example",
            r#"href="/dashboard">Open your dashboard"#,
        ),
    ] {
        let html = page(path).await;
        assert!(
            html.contains(&format!("You are signed in as <strong>{EMAIL}</strong>")),
            "{path}: {html}"
        );
        assert!(html.contains(onward), "{path}: {html}");
        assert!(!html.contains("evil.example\""), "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_origin_posts_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let form = [("email", EMAIL), ("time_zone", "UTC"), ("next", "/")];
    let from_evil = app
        .http
        .post(app.url("/api/auth/request-link"))
        .header(ORIGIN, "https://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(from_evil.status(), 403);
    // As the error of a server function, which the page shows.
    let said: paytrack::error::AppError = from_evil.json().await.unwrap();
    assert_eq!(
        said.to_string(),
        "PayTrack refused this request because it came from another website."
    );
    let referred = app
        .http
        .post(app.url("/api/auth/request-link"))
        .header(REFERER, "https://evil.example/page")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(referred.status(), 403);
    assert_eq!(app.outbox_count().await, 0);

    let same_site = app
        .http
        .post(app.url("/api/auth/request-link"))
        .header(ORIGIN, &app.address)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(same_site.status(), 200);

    let cookie = app.sign_in("grace@example.com").await;
    let forced_sign_out = app
        .http
        .post(app.url("/auth/sign-out-everywhere"))
        .header(ORIGIN, "https://evil.example")
        .header(COOKIE, format!("paytrack_session={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(forced_sign_out.status(), 403);
    assert_eq!(app.me(&cookie).await.0["email"], "grace@example.com");

    // A browser that sends no Origin but says the request is cross-site (or from a sibling
    // subdomain) is refused all the same; its own pages say same-origin and pass.
    for site in ["cross-site", "same-site"] {
        let fetched = app
            .http
            .post(app.url("/auth/sign-out-everywhere"))
            .header("sec-fetch-site", site)
            .header(COOKIE, format!("paytrack_session={cookie}"))
            .send()
            .await
            .unwrap();
        assert_eq!(fetched.status(), 403, "{site}");
        assert!(fetched.text().await.unwrap().contains("another website"));
        assert_eq!(app.me(&cookie).await.0["email"], "grace@example.com");
    }
    let own_page = app
        .http
        .post(app.url("/api/auth/request-link"))
        .header("sec-fetch-site", "same-origin")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(own_page.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_profile_can_be_corrected_with_field_errors_for_bad_input() {
    let app = spawn_app().await;
    let anonymous = app
        .call(
            "/api/account/profile",
            &[("name", "X"), ("time_zone", "UTC"), ("invoice_prefix", "")],
        )
        .await;
    assert_eq!(anonymous.status(), 401);

    let cookie = app.sign_in(EMAIL).await;
    let update = |name: &'static str, zone: &'static str, prefix: &'static str| {
        app.http
            .post(app.url("/api/account/profile"))
            .header(COOKIE, format!("paytrack_session={cookie}"))
            .form(&[
                ("name", name),
                ("time_zone", zone),
                ("invoice_prefix", prefix),
            ])
            .send()
    };
    let invalid: Value = update("  ", "Mars/Base", "INV <b>")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(invalid["Invalid"]["name"].is_string(), "{invalid}");
    assert!(
        invalid["Invalid"]["time_zone"]
            .as_str()
            .unwrap()
            .contains("Mars/Base")
    );
    assert!(
        invalid["Invalid"]["invoice_prefix"].is_string(),
        "{invalid}"
    );
    assert_eq!(app.me(&cookie).await.0["name"], "ada", "nothing changed");
    assert_eq!(app.me(&cookie).await.0["invoice_prefix"], "INV-");

    let saved: Value = update("Ada Lovelace", "America/New_York", "2026/")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(saved["Saved"]["name"], "Ada Lovelace");
    let (me, _) = app.me(&cookie).await;
    assert_eq!(me["time_zone"], "America/New_York");
    assert_eq!(me["invoice_prefix"], "2026/");
}
