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
