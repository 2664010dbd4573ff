//! A client's reply reaches the user once even when the server is killed (SIGKILL) while
//! forwarding it: Resend took the forward but its answer was lost, the server's retry hung,
//! and the process died. Resend then delivers the event again to another server, which sends
//! the forward under the same idempotency key: Resend answers from its memory and nothing
//! goes twice.

use std::process::Child;
use std::time::Duration;

use jiff::Timestamp;
use mongodb::bson::Document;
use paytrack::server::email::webhook_signature::sign;
use serde_json::json;

use crate::common::chasing::signed_in;
use crate::common::resend::{Reply, ResendStandIn};
use crate::common::{TestApp, free_port, server_process};
use crate::replies::{DOMAIN, received_event, replies_of, scene, secret, sent_to_zoe, zoes_reply};

/// A real server process on `port` against the test app's database, receiving replies; its
/// email engine is off (only the webhook sends here).
fn server(app: &TestApp, resend: &str, port: u16) -> Child {
    let secret = secret();
    server_process(
        app,
        port,
        &[
            ("RESEND_API_KEY", "re_test_replies_killed"),
            ("RESEND_BASE_URL", resend),
            ("RESEND_WEBHOOK_SECRET", &secret),
            ("PAYTRACK_INBOUND_DOMAIN", DOMAIN),
        ],
    )
}

/// Posts `body` to the server on `port` as Resend does, under the Svix id `id`.
async fn deliver(port: u16, id: &str, body: &str) -> reqwest::Result<reqwest::Response> {
    let at = Timestamp::now().as_second();
    let signature = sign(&secret(), id, at, body.as_bytes()).unwrap();
    reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/webhooks/resend"))
        .header("svix-id", id)
        .header("svix-timestamp", at.to_string())
        .header("svix-signature", signature)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
}

fn forward_requests(stand_in: &ResendStandIn) -> usize {
    stand_in
        .requests()
        .iter()
        .filter(|(key, _)| key.starts_with("reply-forward-"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_forward_leaves_the_forward_sent_once() {
    let (app, stand_in, resend) = scene().await;
    let ada = signed_in(&app, &stand_in, "ada@example.com").await;
    let (id, reply_to) = sent_to_zoe(&ada, &stand_in).await;
    let email_id = stand_in.receive_mail(zoes_reply(&reply_to, "Paying Friday.", json!({})));
    let event = received_event(&email_id, &reply_to, "Zoë Ångström <zoe@client.example>");

    // The forward goes out but its answer is lost; the retry never comes back.
    stand_in.script([Reply::AcceptedButLost, Reply::Hang]);
    let first_port = free_port();
    let mut first = server(&app, &resend, first_port);
    let hanging = tokio::spawn({
        let event = event.clone();
        async move { deliver(first_port, "msg_killed_1", &event).await }
    });
    let started = std::time::Instant::now();
    while forward_requests(&stand_in) < 2 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the forward was never retried"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.kill().unwrap();
    first.wait().unwrap();
    assert!(
        hanging.await.unwrap().is_err(),
        "the killed server never answered Resend"
    );
    let kept: Vec<Document> = replies_of(&app, &id).await;
    assert_eq!(kept.len(), 1);
    assert!(kept[0].contains_key("forward_tried_at"));
    assert!(!kept[0].contains_key("forwarded_at"));

    // Resend delivers the event again, to another server.
    let second_port = free_port();
    let mut second = server(&app, &resend, second_port);
    let answer = deliver(second_port, "msg_killed_1", &event).await.unwrap();
    assert_eq!(answer.status(), 200);
    second.kill().unwrap();
    second.wait().unwrap();

    let forwards = stand_in.sent_with_key_prefix("reply-forward-");
    assert_eq!(forwards.len(), 1, "one forward reached Ada");
    assert_eq!(forwards[0]["to"], json!(["ada@example.com"]));
    assert!(stand_in.duplicates().is_empty());
    assert_eq!(
        forward_requests(&stand_in),
        3,
        "the second server sent the same request"
    );
    let kept = replies_of(&app, &id).await;
    assert_eq!(kept.len(), 1);
    assert!(kept[0].contains_key("forwarded_at"));
    let invoice = app.invoice_doc(&id).await;
    assert_eq!(
        invoice
            .get_document("reminders_paused")
            .unwrap()
            .get_str("reason")
            .unwrap(),
        "replied"
    );
}
