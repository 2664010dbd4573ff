//! Email through Resend's HTTP API, against a local stand-in that records what it receives and
//! answers the way Resend does.

use std::sync::{Arc, Mutex};

use crate::common::{spawn_app_with, test_mongodb_uri};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{Value, json};

#[derive(Clone, Default)]
struct Recorded(Arc<Mutex<Vec<(HeaderMap, Value)>>>);

/// Starts a Resend stand-in that answers every `POST /emails` with `status` and `body`.
async fn resend_stand_in(status: StatusCode, body: Value) -> (String, Recorded) {
    let recorded = Recorded::default();
    let router = axum::Router::new()
        .route(
            "/emails",
            post(
                move |State(recorded): State<Recorded>,
                      headers: HeaderMap,
                      Json(payload): Json<Value>| {
                    let body = body.clone();
                    async move {
                        recorded.0.lock().unwrap().push((headers, payload));
                        (status, Json(body))
                    }
                },
            ),
        )
        .with_state(recorded.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (address, recorded)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_links_go_through_resend_with_the_documented_request() {
    let (resend, recorded) = resend_stand_in(
        StatusCode::OK,
        json!({ "id": "4ef9a417-02e9-4d39-ad75-9611e0fcc33c" }),
    )
    .await;
    let app = spawn_app_with(
        &test_mongodb_uri(),
        &[
            ("RESEND_API_KEY", "re_test_key_123"),
            ("RESEND_BASE_URL", &resend),
            ("PAYTRACK_EMAIL_FROM", "PayTrack <signin@paytrack.test>"),
        ],
    )
    .await;

    let response = app
        .call(
            "/api/auth/request-link",
            &[
                ("email", "ada@example.com"),
                ("time_zone", "UTC"),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);

    let requests = recorded.0.lock().unwrap().clone();
    assert_eq!(requests.len(), 1);
    let (headers, body) = &requests[0];
    assert_eq!(headers["authorization"], "Bearer re_test_key_123");
    assert!(
        headers["user-agent"]
            .to_str()
            .unwrap()
            .starts_with("PayTrack/")
    );
    assert!(
        headers["idempotency-key"]
            .to_str()
            .unwrap()
            .starts_with("login-link-")
    );
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(body["from"], "PayTrack <signin@paytrack.test>");
    assert_eq!(body["to"], json!(["ada@example.com"]));
    assert_eq!(body["subject"], "Your PayTrack sign-in link");
    let link = format!("{}/auth/link?token=", app.address);
    assert!(body["text"].as_str().unwrap().contains(&link), "{body}");
    assert!(body["html"].as_str().unwrap().contains(&link), "{body}");

    // With a real provider there is no dev outbox.
    assert_eq!(app.call("/api/dev/outbox", &[]).await.status(), 422);
    let info: Value = app.call("/api/site/info", &[]).await.json().await.unwrap();
    assert_eq!(info["dev_outbox"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_email_is_a_clear_message_and_leaks_nothing() {
    let (resend, recorded) = resend_stand_in(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({ "statusCode": 422, "name": "validation_error", "message": "Invalid `to` field." }),
    )
    .await;
    let app = spawn_app_with(
        &test_mongodb_uri(),
        &[
            ("RESEND_API_KEY", "re_test_key_123"),
            ("RESEND_BASE_URL", &resend),
        ],
    )
    .await;
    let response = app
        .call(
            "/api/auth/request-link",
            &[
                ("email", "ada@example.com"),
                ("time_zone", "UTC"),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let error = response.text().await.unwrap();
    assert!(error.contains("couldn't send the email"), "{error}");
    assert!(!error.contains("re_test_key_123"), "{error}");
    assert_eq!(recorded.0.lock().unwrap().len(), 1);
}

/// A Resend stand-in that answers each request with the next scripted (status, retry-after,
/// body), repeating the last one, and records the `Idempotency-Key` of every request.
async fn scripted_resend(
    script: Vec<(StatusCode, Option<&'static str>, Value)>,
) -> (String, Arc<Mutex<Vec<String>>>) {
    let keys = Arc::new(Mutex::new(Vec::new()));
    let seen = keys.clone();
    let router = axum::Router::new().route(
        "/emails",
        post(move |headers: HeaderMap| {
            let seen = seen.clone();
            let script = script.clone();
            async move {
                let index = {
                    let mut seen = seen.lock().unwrap();
                    seen.push(
                        headers["idempotency-key"]
                            .to_str()
                            .unwrap_or_default()
                            .to_string(),
                    );
                    seen.len() - 1
                };
                let (status, retry_after, body) = script[index.min(script.len() - 1)].clone();
                let mut response_headers = HeaderMap::new();
                if let Some(seconds) = retry_after {
                    response_headers.insert("retry-after", seconds.parse().unwrap());
                }
                (status, response_headers, Json(body))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (address, keys)
}

fn resend_client(base: &str) -> paytrack::server::email::resend::Resend {
    use paytrack::server::email::resend::{Resend, RetryPolicy};
    use paytrack::server::secret::Secret;
    Resend::new(
        base,
        Secret::new("re_test_key_123".into()),
        "PayTrack <billing@paytrack.test>".into(),
    )
    .unwrap()
    .with_retry(RetryPolicy {
        attempts: 4,
        first_pause: std::time::Duration::from_millis(20),
        longest_pause: std::time::Duration::from_secs(2),
    })
}

fn an_email() -> paytrack::server::email::Email {
    paytrack::server::email::Email {
        to: paytrack::domain::email::EmailAddress::parse("client@example.com").unwrap(),
        cc: Vec::new(),
        sender_name: None,
        reply_to: None,
        subject: "Invoice INV-0001".into(),
        html: "<p>Hello</p>".into(),
        text: "Hello".into(),
        kind: "test",
        idempotency_key: "invoice-1/step-0".into(),
        attachments: Vec::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_and_server_errors_are_retried_with_the_same_idempotency_key() {
    let rate_limited = json!({ "statusCode": 429, "name": "rate_limit_exceeded", "message": "Too many requests." });
    let (base, keys) = scripted_resend(vec![
        (StatusCode::TOO_MANY_REQUESTS, Some("1"), rate_limited),
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            None,
            json!({ "message": "Internal error" }),
        ),
        (
            StatusCode::OK,
            None,
            json!({ "id": "49a3999c-0ce1-4ea6-ab68-afcd6dc2e794" }),
        ),
    ])
    .await;
    let started = std::time::Instant::now();
    let id = resend_client(&base).send(&an_email()).await.unwrap();
    assert_eq!(id, "49a3999c-0ce1-4ea6-ab68-afcd6dc2e794");
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(1),
        "retry-after was honoured"
    );
    assert_eq!(*keys.lock().unwrap(), vec!["invoice-1/step-0"; 3]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idempotent_request_still_in_flight_is_asked_again_and_a_key_conflict_means_it_went_before()
 {
    let (base, keys) = scripted_resend(vec![
        (
            StatusCode::CONFLICT,
            None,
            json!({ "statusCode": 409, "name": "concurrent_idempotent_requests", "message": "Same idempotency key used while original request is still in progress." }),
        ),
        (
            StatusCode::OK,
            None,
            json!({ "id": "5fa0b4a4-5b52-4ab2-9d1c-5b4b1d3a41e8" }),
        ),
    ])
    .await;
    let id = resend_client(&base).send(&an_email()).await.unwrap();
    assert_eq!(id, "5fa0b4a4-5b52-4ab2-9d1c-5b4b1d3a41e8");
    assert_eq!(keys.lock().unwrap().len(), 2);

    let (base, keys) = scripted_resend(vec![(
        StatusCode::CONFLICT,
        None,
        json!({ "statusCode": 409, "name": "invalid_idempotent_request", "message": "Same idempotency key used with a different request payload." }),
    )])
    .await;
    let err = resend_client(&base).send(&an_email()).await.unwrap_err();
    assert!(
        matches!(&err, paytrack::server::email::MailError::AlreadyAccepted),
        "an earlier request under the key was accepted: {err}"
    );
    assert_eq!(keys.lock().unwrap().len(), 1, "not retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_api_key_is_not_the_emails_fault_it_waits_for_later() {
    let (base, keys) = scripted_resend(vec![(
        StatusCode::UNAUTHORIZED,
        None,
        json!({ "statusCode": 401, "name": "invalid_api_key", "message": "API key is invalid" }),
    )])
    .await;
    let err = resend_client(&base).send(&an_email()).await.unwrap_err();
    assert!(
        matches!(&err, paytrack::server::email::MailError::Unavailable(m) if m == "API key is invalid"),
        "{err}"
    );
    assert_eq!(
        keys.lock().unwrap().len(),
        1,
        "not asked again in the same breath"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_validation_error_is_final_and_keeps_resends_message() {
    let (base, keys) = scripted_resend(vec![(
        StatusCode::UNPROCESSABLE_ENTITY,
        None,
        json!({ "statusCode": 422, "name": "validation_error", "message": "Invalid `to` field." }),
    )])
    .await;
    let err = resend_client(&base).send(&an_email()).await.unwrap_err();
    assert!(
        matches!(&err, paytrack::server::email::MailError::Rejected(m) if m == "Invalid `to` field."),
        "{err}"
    );
    assert_eq!(keys.lock().unwrap().len(), 1, "not retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_retry_after_or_a_storm_ends_the_send_as_unavailable_without_sleeping_it_out() {
    let (base, keys) = scripted_resend(vec![(
        StatusCode::TOO_MANY_REQUESTS,
        Some("60"),
        json!({ "message": "Too many requests." }),
    )])
    .await;
    let started = std::time::Instant::now();
    let err = resend_client(&base).send(&an_email()).await.unwrap_err();
    assert!(matches!(
        err,
        paytrack::server::email::MailError::Unavailable(_)
    ));
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert_eq!(keys.lock().unwrap().len(), 1);

    let (base, keys) = scripted_resend(vec![(
        StatusCode::SERVICE_UNAVAILABLE,
        None,
        json!({ "message": "Service unavailable" }),
    )])
    .await;
    let err = resend_client(&base).send(&an_email()).await.unwrap_err();
    assert!(matches!(
        err,
        paytrack::server::email::MailError::Unavailable(_)
    ));
    assert_eq!(keys.lock().unwrap().len(), 4, "four attempts in all");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sender_name_with_commas_colons_or_full_stops_still_makes_one_valid_from() {
    let (base, stand_in) = crate::common::resend::ResendStandIn::start().await;
    let quoted = |words: &str| format!("\"{words} via PayTrack\" <billing@paytrack.test>");
    for (step, (name, from)) in [
        (
            "Ada Lovelace",
            "Ada Lovelace via PayTrack <billing@paytrack.test>".to_string(),
        ),
        ("Smith, Jones & Co.", quoted("Smith, Jones & Co.")),
        ("J. Smith: Design@Home", quoted("J. Smith: Design@Home")),
        (
            "Evil\r\nBcc: \"x\" <x@evil.test>",
            quoted("Evil Bcc: x x@evil.test"),
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let email = paytrack::server::email::Email {
            sender_name: Some(name.into()),
            idempotency_key: format!("from/{step}"),
            ..an_email()
        };
        let sent = resend_client(&base).send(&email).await;
        assert!(sent.is_ok(), "{name}: {sent:?}");
        let (_, body) = stand_in.requests().pop().unwrap();
        assert_eq!(body["from"], from, "{name}");
    }

    // What the name would have made bare is refused, as a mail system would read it.
    let bare = reqwest::Client::new()
        .post(format!("{base}/emails"))
        .header("idempotency-key", "bare")
        .json(&json!({
            "from": "Smith, Jones & Co. via PayTrack <billing@paytrack.test>",
            "to": ["client@example.com"], "subject": "Invoice", "text": "Hello",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
