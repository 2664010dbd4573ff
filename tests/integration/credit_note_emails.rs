//! A credit note's email that did not go when it was issued (Resend down, or the server killed
//! first) is sent by the email engine a few minutes on, once, for a day; after that PayTrack
//! stops, in case an earlier try reached the client, and the owner sends it.

use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use paytrack::server::jobs::clock::ManualClock;
use reqwest::header::COOKIE;
use serde_json::{Value, json};

use crate::common::billing::User;
use crate::common::chasing::engine;
use crate::common::resend::{Reply, ResendStandIn};
use crate::common::{TestApp, free_port, server_process, spawn_app_with, test_mongodb_uri};
use crate::credit_notes::{sent, void};
use crate::reductions::reduced;

async fn scene(key: &str) -> (TestApp, ResendStandIn, String) {
    let (resend, stand_in) = ResendStandIn::start().await;
    let app = spawn_app_with(
        &test_mongodb_uri(),
        &[("RESEND_API_KEY", key), ("RESEND_BASE_URL", &resend)],
    )
    .await;
    (app, stand_in, resend)
}

/// How many requests for credit note emails Resend has had.
fn credit_note_requests(stand_in: &ResendStandIn) -> usize {
    stand_in
        .requests()
        .iter()
        .filter(|(key, _)| key.contains("-CN-"))
        .count()
}

/// Credit note `number` of invoice `id` as the owner's invoice page has it.
async fn note_of(user: &User<'_>, id: &str, number: &str) -> Value {
    let answer = user.invoice(id).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let document = &answer.body["document"];
    std::iter::once(&document["credit_note"])
        .chain(document["reductions"].as_array().into_iter().flatten())
        .find(|note| note["number"] == number)
        .unwrap_or_else(|| panic!("credit note {number} on {document}"))
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credit_note_whose_email_failed_goes_by_itself_once_resend_answers_and_only_once() {
    let (app, stand_in, resend) = scene("re_test_owed_notes").await;
    let ada = app.user_through(&stand_in, "ada@example.com").await;
    let client = ada.client("Acme").await;
    let (voided, _) = sent(&ada, &client).await;
    let (reduced_id, _) = sent(&ada, &client).await;

    // Resend is down for every try of the void's and the reduction's requests.
    stand_in.script([Reply::ServerError; 8]);
    void(&ada, &voided).await;
    reduced(&ada, &reduced_id, "10", "goodwill").await;
    for (id, number) in [(&voided, "CN-0001"), (&reduced_id, "CN-0002")] {
        let note = note_of(&ada, id, number).await;
        assert!(note["emailed_to"].is_null(), "{note}");
        assert_eq!(note["email_retrying"], true, "{note}");
    }
    let tried = credit_note_requests(&stand_in);
    assert_eq!(tried, 8, "each was tried, none went");

    // Their time has not come: the issuing requests had their turn a moment ago.
    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    let engine = engine(&app, &resend, clock.clone());
    assert_eq!(engine.tick().await.unwrap().credit_notes, 0);
    assert_eq!(credit_note_requests(&stand_in), tried);

    // Five minutes on, Resend is still down: both are tried, and kept for later.
    clock.advance(SignedDuration::from_mins(6));
    stand_in.script([Reply::ServerError; 6]);
    assert_eq!(engine.tick().await.unwrap().credit_notes, 0);
    assert_eq!(credit_note_requests(&stand_in), tried + 6);
    assert_eq!(
        note_of(&ada, &voided, "CN-0001").await["email_retrying"],
        true
    );

    // Then Resend answers: each goes once, with its PDF, and the pages say where.
    stand_in.answer_normally();
    clock.advance(SignedDuration::from_mins(6));
    assert_eq!(engine.tick().await.unwrap().credit_notes, 2);
    for (id, number) in [(&voided, "CN-0001"), (&reduced_id, "CN-0002")] {
        let went = stand_in.sent_with_key_prefix(&format!("paytrack-{id}-{number}"));
        assert_eq!(went.len(), 1, "{went:?}");
        assert_eq!(went[0]["to"], json!(["acme@client.test"]));
        assert_eq!(
            went[0]["attachments"][0]["filename"],
            format!("{number}.pdf")
        );
        let note = note_of(&ada, id, number).await;
        assert_eq!(note["emailed_to"], "acme@client.test", "{note}");
        assert_eq!(note["email_retrying"], false, "{note}");
        let stored = app.invoice_doc(id).await;
        assert!(
            !stored.contains_key("credit_note_emails_due"),
            "nothing left to look at: {stored}"
        );
    }

    // Later passes leave them alone.
    let after = credit_note_requests(&stand_in);
    clock.advance(SignedDuration::from_hours(1));
    assert_eq!(engine.tick().await.unwrap().credit_notes, 0);
    assert_eq!(credit_note_requests(&stand_in), after);
    assert!(stand_in.duplicates().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credit_note_whose_email_did_not_go_within_a_day_is_left_to_the_owner() {
    let (app, stand_in, resend) = scene("re_test_owed_a_day").await;
    let ada = app.user_through(&stand_in, "ada@example.com").await;
    let client = ada.client("Acme").await;
    let (id, _) = sent(&ada, &client).await;
    stand_in.script([Reply::ServerError; 4]);
    void(&ada, &id).await;
    let tried = credit_note_requests(&stand_in);
    assert_eq!(tried, 4);

    // No engine ran for a day (the workers were down): too late to try under the same key.
    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    clock.advance(SignedDuration::from_hours(24));
    let engine = engine(&app, &resend, clock.clone());
    assert_eq!(engine.tick().await.unwrap().credit_notes, 0);
    assert_eq!(credit_note_requests(&stand_in), tried, "not tried again");
    let note = note_of(&ada, &id, "CN-0001").await;
    assert!(note["emailed_to"].is_null(), "{note}");
    assert_eq!(note["email_retrying"], false, "{note}");
    assert!(
        !app.invoice_doc(&id)
            .await
            .contains_key("credit_note_emails_due")
    );

    // The owner emails it themselves, from the invoice page.
    let emailed = ada
        .form("/api/invoices/email-credit-note", &[("id", &id)])
        .await;
    assert_eq!(emailed.status, 200, "{}", emailed.body);
    assert_eq!(
        emailed.body["document"]["credit_note"]["emailed_to"],
        "acme@client.test"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credit_notes_of_a_bulk_void_whose_server_was_killed_go_once_each() {
    let (app, stand_in, resend) = scene("re_test_owed_killed").await;
    let ada = app.user_through(&stand_in, "ada@example.com").await;
    let client = ada.client("Acme").await;
    let (first, _) = sent(&ada, &client).await;
    let (second, _) = sent(&ada, &client).await;

    // The first credit note reaches Resend but its answer is lost, the retry hangs, and the
    // server is killed before the second is tried.
    stand_in.script([Reply::AcceptedButLost, Reply::Hang]);
    let port = free_port();
    let mut server = server_process(
        &app,
        port,
        &[
            ("RESEND_API_KEY", "re_test_owed_killed"),
            ("RESEND_BASE_URL", &resend),
        ],
    );
    let answer = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/api/invoices/bulk"))
        .header(COOKIE, format!("paytrack_session={}", ada.cookie))
        .json(&json!({ "ids": [first, second], "action": "void" }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200, "{}", answer.text().await.unwrap());
    let started = std::time::Instant::now();
    while credit_note_requests(&stand_in) < 2 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the first credit note was never retried"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill().unwrap();
    server.wait().unwrap();
    for id in [&first, &second] {
        let stored = app.invoice_doc(id).await;
        let note = stored.get_document("credit_note").unwrap();
        assert!(!note.contains_key("emailed_to"), "{stored}");
    }

    // The engine, minutes later: each credit note reaches the client once.
    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    clock.advance(SignedDuration::from_mins(6));
    let engine = engine(&app, &resend, clock);
    assert_eq!(engine.tick().await.unwrap().credit_notes, 2);
    assert!(
        stand_in.duplicates().is_empty(),
        "{:?}",
        stand_in.duplicates()
    );
    for (id, number) in [(&first, "CN-0001"), (&second, "CN-0002")] {
        let went = stand_in.sent_with_key_prefix(&format!("paytrack-{id}-{number}"));
        assert_eq!(went.len(), 1, "{went:?}");
        let note = note_of(&ada, id, number).await;
        assert_eq!(note["emailed_to"], "acme@client.test", "{note}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credit_note_resend_refuses_is_not_tried_again_and_the_owner_is_told_why() {
    let (app, stand_in, resend) = scene("re_test_owed_refused").await;
    let ada = app.user_through(&stand_in, "ada@example.com").await;
    let client = ada.client("Acme").await;
    let (id, _) = sent(&ada, &client).await;

    // Resend refuses the email itself (a 422): asking again would get the same answer.
    stand_in.script([Reply::Invalid]);
    let voided = void(&ada, &id).await;
    let note = &voided["document"]["credit_note"];
    assert!(note["emailed_to"].is_null(), "{note}");
    assert_eq!(note["email_retrying"], false, "{note}");
    let tried = credit_note_requests(&stand_in);
    assert_eq!(tried, 1, "a refusal is not retried");

    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    clock.advance(SignedDuration::from_mins(6));
    let engine = engine(&app, &resend, clock);
    assert_eq!(engine.tick().await.unwrap().credit_notes, 0);
    assert_eq!(credit_note_requests(&stand_in), tried, "nor by the engine");

    // The owner asks PayTrack to email it; Resend refuses again, and the owner reads why.
    stand_in.script([Reply::Invalid]);
    let again = ada
        .form("/api/invoices/email-credit-note", &[("id", &id)])
        .await;
    assert_eq!(again.status, 422, "{}", again.body);
    let says = again.body["Rejected"].as_str().unwrap();
    assert!(
        says.starts_with("PayTrack can't email this credit note: the email service refused it (Invalid `to` field."),
        "{says}"
    );
    assert!(
        says.ends_with("Download it and send it to your client yourself."),
        "{says}"
    );
}
