//! What an operator reaches: the liveness and readiness probes, the metrics (only with their
//! token), and the dev outbox (only from a loopback host).

use crate::common::{spawn_app, spawn_app_with, test_mongodb_uri};
use mongodb::bson::DateTime;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_while_the_process_is_up() {
    let app = spawn_app().await;
    let res = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_says_ready_when_the_database_answers() {
    let app = spawn_app().await;
    let res = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ready");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dev_outbox_answers_only_to_a_loopback_host() {
    let app = spawn_app().await;
    assert_eq!(app.request_link("ada@example.com", "/").await.status(), 200);
    let port = app.address.rsplit(':').next().unwrap().to_string();
    let outbox = |host: String| {
        app.http
            .post(app.url("/api/dev/outbox"))
            .header("host", host)
            .header("accept", "application/json")
            .send()
    };
    let here = outbox(format!("127.0.0.1:{port}")).await.unwrap();
    assert_eq!(here.status(), 200);
    assert!(here.text().await.unwrap().contains("token="));
    let named = outbox(format!("localhost:{port}")).await.unwrap();
    assert_eq!(named.status(), 200);

    // A rebinding attacker's name resolves here, but the browser sends it as the Host.
    let rebound = outbox(format!("evil.example:{port}")).await.unwrap();
    assert_eq!(rebound.status(), 422);
    assert!(!rebound.text().await.unwrap().contains("token="));
    let page = app
        .http
        .get(app.url("/dev/outbox"))
        .header("host", format!("evil.example:{port}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("token="), "{page}");
    assert!(page.contains("only at localhost"), "{page}");
    // Nor can it write a client's reply from there.
    let reply = app
        .http
        .post(app.url("/api/dev/reply"))
        .header("host", format!("evil.example:{port}"))
        .form(&[
            ("email_id", "0123456789abcdef01234567"),
            ("text", "hi"),
            ("automatic", "false"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 422);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_served_only_with_the_token() {
    const TOKEN: &str = "metrics-token-for-the-test-0123456789";
    let app = spawn_app_with(
        &test_mongodb_uri(),
        &[
            ("PAYTRACK_METRICS_TOKEN", TOKEN),
            (
                "RESEND_WEBHOOK_SECRET",
                "whsec_dGVzdC1zZWNyZXQtZm9yLW1ldHJpY3M=",
            ),
        ],
    )
    .await;
    let metrics = |bearer: Option<&str>| {
        let mut request = app.http.get(app.url("/metrics"));
        if let Some(bearer) = bearer {
            request = request.header("authorization", format!("Bearer {bearer}"));
        }
        request.send()
    };
    assert_eq!(metrics(None).await.unwrap().status(), 404);
    assert_eq!(metrics(Some("wrong")).await.unwrap().status(), 404);

    // Something for each family to count: a page, an engine pass, a refused webhook.
    assert!(app.get_text("/healthz").await.contains("ok"));
    app.state.engine.tick().await.unwrap();
    paytrack::server::jobs::reconcile::pass(&app.state, DateTime::now())
        .await
        .unwrap();
    let forged = app
        .http
        .post(app.url("/webhooks/resend"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);

    let answer = metrics(Some(TOKEN)).await.unwrap();
    assert_eq!(answer.status(), 200);
    assert!(
        answer.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let text = answer.text().await.unwrap();
    for line in [
        "paytrack_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}",
        "paytrack_http_request_duration_seconds_count{route=\"/healthz\"}",
        "paytrack_engine_passes_total ",
        "paytrack_reconcile_passes_total ",
        "paytrack_webhooks_total{route=\"/webhooks/resend\",outcome=\"signature refused\"}",
        "# TYPE paytrack_engine_batch_size histogram",
    ] {
        assert!(text.contains(line), "{line} is not in:\n{text}");
    }
    // Routes, never raw paths: one series per route whatever the id.
    assert!(!text.contains("route=\"/healthz?"), "{text}");

    let without = spawn_app().await;
    let closed = without.http.get(without.url("/metrics")).send();
    assert_eq!(closed.await.unwrap().status(), 404);
}
