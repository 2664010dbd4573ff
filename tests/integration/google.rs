//! "Continue with Google" against a local stand-in that speaks Google's OAuth 2.0 endpoints:
//! `/authorize` (redirects straight back with a code), `/token` (checks the PKCE verifier
//! against the challenge, as Google does), `/userinfo` (OpenID Connect claims).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use mongodb::bson::{Document, doc};
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::common::sign_in::{location, session_cookie};
use crate::common::{TestApp, spawn_app_with, test_mongodb_uri};

#[derive(Clone, Default)]
pub(crate) struct Google {
    /// code → code_challenge sent with /authorize.
    challenges: Arc<Mutex<HashMap<String, String>>>,
    authorize_queries: Arc<Mutex<Vec<HashMap<String, String>>>>,
    profile: Arc<Mutex<Value>>,
}

async fn authorize(
    State(google): State<Google>,
    Query(query): Query<HashMap<String, String>>,
) -> Redirect {
    let code = format!("code-{}", google.challenges.lock().unwrap().len());
    google.challenges.lock().unwrap().insert(
        code.clone(),
        query.get("code_challenge").cloned().unwrap_or_default(),
    );
    google.authorize_queries.lock().unwrap().push(query.clone());
    Redirect::to(&format!(
        "{}?code={code}&state={}",
        query["redirect_uri"], query["state"]
    ))
}

async fn token(
    State(google): State<Google>,
    Form(form): Form<HashMap<String, String>>,
) -> impl IntoResponse {
    let challenge = google.challenges.lock().unwrap().remove(&form["code"]);
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(Sha256::digest(verifier.as_bytes()));
    if challenge.as_deref() != Some(computed.as_str()) {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": "invalid_grant" })),
        );
    }
    (
        StatusCode::OK,
        Json(
            json!({ "access_token": "ya29.test-token", "token_type": "Bearer", "expires_in": 3599 }),
        ),
    )
}

async fn userinfo(State(google): State<Google>, headers: HeaderMap) -> impl IntoResponse {
    if headers["authorization"] != "Bearer ya29.test-token" {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "error": "invalid_token" })),
        );
    }
    (StatusCode::OK, Json(google.profile.lock().unwrap().clone()))
}

async fn google_stand_in(profile: Value) -> (String, Google) {
    let google = Google::default();
    *google.profile.lock().unwrap() = profile;
    let router = Router::new()
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .route("/userinfo", get(userinfo))
        .with_state(google.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (address, google)
}

pub(crate) fn profile(email: &str, verified: bool) -> Value {
    json!({
        "sub": "110169484474386276334",
        "email": email,
        "email_verified": verified,
        "name": "Ada Lovelace",
        "picture": "https://lh3.googleusercontent.com/a/ada.png",
    })
}

pub(crate) async fn app_with_google(profile: Value) -> (TestApp, Google) {
    let (address, google) = google_stand_in(profile).await;
    let app = spawn_app_with(
        &test_mongodb_uri(),
        &[
            (
                "GOOGLE_CLIENT_ID",
                "paytrack-test.apps.googleusercontent.com",
            ),
            ("GOOGLE_CLIENT_SECRET", "test-secret"),
            ("GOOGLE_AUTH_URL", &format!("{address}/authorize")),
            ("GOOGLE_TOKEN_URL", &format!("{address}/token")),
            ("GOOGLE_USERINFO_URL", &format!("{address}/userinfo")),
        ],
    )
    .await;
    (app, google)
}

fn cookie_named(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v[name.len() + 1..].split(';').next().unwrap().to_string())
}

/// The browser's first two hops: start, then Google's redirect. Returns this browser's state
/// cookie and the callback URL Google sent it to.
async fn to_callback(app: &TestApp) -> (String, String) {
    let start = app
        .http
        .get(app.url("/auth/google/start?next=%2Faccount&tz=Europe%2FParis"))
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), 303);
    let state_cookie = cookie_named(&start, "paytrack_google_state").expect("state cookie");
    let at_google = app.http.get(location(&start)).send().await.unwrap();
    let callback = at_google.headers()[LOCATION].to_str().unwrap().to_string();
    (state_cookie, callback)
}

/// The last hop: the browser follows the callback carrying `state_cookie`.
async fn follow_callback(app: &TestApp, callback: &str, state_cookie: &str) -> reqwest::Response {
    app.http
        .get(callback)
        .header(COOKIE, format!("paytrack_google_state={state_cookie}"))
        .send()
        .await
        .unwrap()
}

/// The whole round trip; `state_cookie_override` plays a browser holding another state.
async fn round_trip(app: &TestApp, state_cookie_override: Option<&str>) -> reqwest::Response {
    let (state_cookie, callback) = to_callback(app).await;
    follow_callback(
        app,
        &callback,
        state_cookie_override.unwrap_or(&state_cookie),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn continue_with_google_creates_the_account_with_pkce_and_state() {
    let (app, google) = app_with_google(profile("ada@example.com", true)).await;
    let info: Value = app.call("/api/site/info", &[]).await.json().await.unwrap();
    assert_eq!(info["google_sign_in"], true);

    let response = round_trip(&app, None).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/account");
    let cookie = session_cookie(&response).expect("signed in");

    let query = google.authorize_queries.lock().unwrap()[0].clone();
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["response_type"], "code");
    assert_eq!(
        query["redirect_uri"],
        format!("{}/auth/google/callback", app.address)
    );
    assert!(query["scope"].contains("email"));

    let (me, _) = app.me(&cookie).await;
    assert_eq!(me["email"], "ada@example.com");
    assert_eq!(me["name"], "Ada Lovelace");
    assert_eq!(me["picture"], "https://lh3.googleusercontent.com/a/ada.png");
    assert_eq!(me["time_zone"], "Europe/Paris");
    assert_eq!(me["signed_in_with"], "google");
    assert_eq!(me["google_linked"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_google_name_is_kept_to_what_the_name_field_accepts() {
    // Typed at Google, not in PayTrack: a line break, a NUL and a right-to-left override
    // would reach invoices and emails' senders. What the field would refuse is dropped.
    let mut odd = profile("ada@example.com", true);
    odd["name"] = json!(format!(" Ada\u{202E}\nLovelace\u{0} {} ", "x".repeat(200)));
    let (app, _) = app_with_google(odd).await;
    let cookie = session_cookie(&round_trip(&app, None).await).expect("signed in");
    let (me, _) = app.me(&cookie).await;
    let name = me["name"].as_str().unwrap();
    assert_eq!(name.chars().count(), 100, "{name}");
    assert!(name.starts_with("Ada Lovelace xxx"), "{name}");

    // Nothing left of it: the address's name stands in, as when Google gives none.
    let mut blank = profile("bo@example.com", true);
    blank["name"] = json!("\u{202E}\u{2069} \t");
    let (app, _) = app_with_google(blank).await;
    let cookie = session_cookie(&round_trip(&app, None).await).expect("signed in");
    assert_eq!(app.me(&cookie).await.0["name"], "bo");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_state_that_does_not_match_the_browser_is_refused() {
    let (app, _) = app_with_google(profile("ada@example.com", true)).await;
    let response = round_trip(&app, Some("someone-elses-state")).await;
    assert_eq!(location(&response), "/sign-in?problem=google_state");
    assert!(session_cookie(&response).is_none());
    assert_eq!(app.count("users", doc! {}).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_cannot_be_replayed() {
    let (app, _) = app_with_google(profile("ada@example.com", true)).await;
    let (state_cookie, callback) = to_callback(&app).await;
    let first = follow_callback(&app, &callback, &state_cookie).await;
    assert!(session_cookie(&first).is_some());
    let replay = follow_callback(&app, &callback, &state_cookie).await;
    assert_eq!(location(&replay), "/sign-in?problem=google_state");
    assert!(session_cookie(&replay).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unverified_google_addresses_are_refused() {
    let (app, _) = app_with_google(profile("ada@example.com", false)).await;
    let response = round_trip(&app, None).await;
    assert_eq!(location(&response), "/sign-in?problem=google_unverified");
    assert!(session_cookie(&response).is_none());
    assert_eq!(app.count("users", doc! {}).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn google_and_login_links_for_one_address_are_one_account() {
    let (app, _) = app_with_google(profile("ada@example.com", true)).await;
    let by_link = app.sign_in("ada@example.com").await;
    let notices_before = app
        .count("outbox", doc! { "kind": "security_notice" })
        .await;

    let by_google = session_cookie(&round_trip(&app, None).await).expect("signed in");
    let users = app.db.collection::<Document>("users");
    assert_eq!(app.count("users", doc! {}).await, 1);
    let user = users.find_one(doc! {}).await.unwrap().unwrap();
    assert_eq!(user.get_str("google_id").unwrap(), "110169484474386276334");
    assert_eq!(app.me(&by_link).await.0["email"], "ada@example.com");
    assert_eq!(app.me(&by_google).await.0["signed_in_with"], "google");

    let notices = app
        .count(
            "outbox",
            doc! { "kind": "security_notice", "to": "ada@example.com" },
        )
        .await;
    assert_eq!(
        notices,
        notices_before + 1,
        "linking Google sends a security notice"
    );

    // The next Google sign-in finds the account by its Google id, without another notice.
    round_trip(&app, None).await;
    let after = app
        .count("outbox", doc! { "kind": "security_notice" })
        .await;
    assert_eq!(after, notices);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_google_configured_the_flow_is_off() {
    let app = crate::common::spawn_app().await;
    let start = app
        .http
        .get(app.url("/auth/google/start"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&start), "/sign-in?problem=google_off");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_picture_refreshes_on_each_google_sign_in_until_the_user_removes_it() {
    let (app, google) = app_with_google(profile("Ada@Example.com", true)).await;
    let cookie = session_cookie(&round_trip(&app, None).await).expect("signed in");
    let (me, _) = app.me(&cookie).await;
    assert_eq!(me["email"], "ada@example.com", "addresses are one identity");
    assert_eq!(me["picture"], "https://lh3.googleusercontent.com/a/ada.png");

    // A new picture at Google arrives with the next sign-in; a picture from elsewhere never.
    google.profile.lock().unwrap()["picture"] =
        json!("https://lh3.googleusercontent.com/a/new.png");
    let cookie = session_cookie(&round_trip(&app, None).await).expect("signed in");
    assert_eq!(
        app.me(&cookie).await.0["picture"],
        "https://lh3.googleusercontent.com/a/new.png"
    );
    google.profile.lock().unwrap()["picture"] = json!("https://evil.example/track.png");
    let cookie = session_cookie(&round_trip(&app, None).await).expect("signed in");
    assert_eq!(
        app.me(&cookie).await.0["picture"],
        "https://lh3.googleusercontent.com/a/new.png"
    );

    let removed: Value = app
        .post_with_cookie("/api/account/remove-picture", &cookie)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(removed["picture"], Value::Null, "{removed}");
    google.profile.lock().unwrap()["picture"] =
        json!("https://lh3.googleusercontent.com/a/newer.png");
    let cookie = session_cookie(&round_trip(&app, None).await).expect("signed in");
    assert_eq!(
        app.me(&cookie).await.0["picture"],
        Value::Null,
        "a removed picture stays removed"
    );
}
