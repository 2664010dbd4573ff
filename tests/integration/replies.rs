//! Chasing that listens: a client's reply to an invoice email reaches PayTrack through Resend
//! (`email.received`, Svix-signed, the body read from the receiving API), holds the invoice's
//! reminders, is forwarded to the user once, and shows on the invoice. The real server and
//! database; Resend is the stand-in, inbound mail and idempotency included.

use mongodb::bson::{Document, doc, oid::ObjectId};
use paytrack::api::reminders::{LoadInvoiceReminders, ResumeReminders};
use paytrack::server::email::webhook_signature::sign;
use serde_json::{Value, json};

use crate::common::billing::{User, client_input};
use crate::common::chasing::{paris_date, scheduled_reminder_jobs, signed_in as user};
use crate::common::resend::{Reply, ResendStandIn};
use crate::common::{TestApp, spawn_app_with, test_mongodb_uri};
use paytrack::api::clients::{ClientSave, CreateClient};
use paytrack::domain::client::ClientInput;

pub(crate) const DOMAIN: &str = "in.paytrack.test";

/// A signing secret made for these tests, in Resend's format (`whsec_` and base64).
pub(crate) fn secret() -> String {
    use base64::Engine as _;
    let key = base64::engine::general_purpose::STANDARD.encode(b"paytrack replies tests only");
    format!("whsec_{key}")
}

/// The server sending through the Resend stand-in and receiving mail for `DOMAIN`; the
/// stand-in's address last.
pub(crate) async fn scene() -> (TestApp, ResendStandIn, String) {
    let (resend, stand_in) = ResendStandIn::start().await;
    let app = spawn_app_with(
        &test_mongodb_uri(),
        &[
            ("RESEND_API_KEY", "re_test_replies"),
            ("RESEND_BASE_URL", &resend),
            ("RESEND_WEBHOOK_SECRET", &secret()),
            ("PAYTRACK_INBOUND_DOMAIN", DOMAIN),
        ],
    )
    .await;
    (app, stand_in, resend)
}

/// Ada with an invoice to Zoë sent and its email gone; returns the invoice id and the
/// address replies to it go to.
pub(crate) async fn sent_to_zoe(user: &User<'_>, stand_in: &ResendStandIn) -> (String, String) {
    let input = ClientInput {
        emails: "zoe@client.example".to_string(),
        ..client_input("Zoë Ångström")
    };
    let client = match user.ok(&CreateClient { input }).await {
        ClientSave::Saved(summary) => summary.id,
        ClientSave::Invalid(errors) => panic!("client refused: {errors:?}"),
    };
    let mut input = crate::common::billing::invoice_input(&client);
    input.issue_date = paris_date(0);
    input.due_date = paris_date(10);
    let (id, _) = user.draft_with(input).await;
    assert_eq!(user.send(&id).await.status, 200);
    let email = stand_in
        .sent_with_key_prefix(&format!("paytrack-{id}-invoice"))
        .pop()
        .expect("the invoice email went through Resend");
    let reply_to = email["reply_to"].as_str().unwrap().to_string();
    (id, reply_to)
}

/// What Resend posts when mail arrives: metadata only.
pub(crate) fn received_event(email_id: &str, to: &str, from: &str) -> String {
    json!({
        "type": "email.received",
        "created_at": "2026-12-02T09:00:00.000Z",
        "data": {
            "email_id": email_id,
            "created_at": "2026-12-02T09:00:00.000Z",
            "from": from,
            "to": [to],
            "cc": [],
            "bcc": [],
            "message_id": "<reply-1@client.example>",
            "subject": "Re: Invoice INV-0001",
            "attachments": []
        }
    })
    .to_string()
}

/// Delivers `body` as Resend does, signed with `secret`, under the Svix id `id`.
async fn deliver_signed(app: &TestApp, id: &str, body: &str, secret: &str) -> u16 {
    let at = jiff::Timestamp::now().as_second();
    let signature = sign(secret, id, at, body.as_bytes()).unwrap();
    app.post_resend_event(id, at, &signature, body).await
}

async fn deliver(app: &TestApp, id: &str, body: &str) -> u16 {
    deliver_signed(app, id, body, &secret()).await
}

/// Zoë's reply, as Resend's receiving API gives it.
pub(crate) fn zoes_reply(to: &str, text: &str, headers: Value) -> Value {
    json!({
        "from": "\"Zoë Ångström\" <zoe@client.example>",
        "to": [to],
        "subject": "Re: Invoice INV-0001",
        "text": text,
        "html": format!("<p>{text}</p><script>alert('x')</script><img src=\"https://tracker.example/p.gif\">"),
        "headers": headers,
        "cc": null, "bcc": null, "reply_to": null,
        "message_id": "<reply-1@client.example>",
        "attachments": []
    })
}

/// Whether nothing of a reply is anywhere: no hold on the invoice, no reply kept.
pub(crate) async fn untouched(app: &TestApp, id: &str) -> bool {
    let replies = app.count("replies", doc! {}).await;
    !app.invoice_doc(id).await.contains_key("reminders_paused") && replies == 0
}

async fn scheduled_reminders(app: &TestApp, id: &str) -> usize {
    scheduled_reminder_jobs(app, id).await.len()
}

pub(crate) async fn replies_of(app: &TestApp, id: &str) -> Vec<Document> {
    use futures::TryStreamExt;
    app.db
        .collection::<Document>("replies")
        .find(doc! { "invoice_id": ObjectId::parse_str(id).unwrap() })
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_holds_the_reminders_reaches_the_user_once_and_shows_on_the_invoice() {
    let (app, stand_in, _) = scene().await;
    let ada = user(&app, &stand_in, "ada@example.com").await;
    let (id, reply_to) = sent_to_zoe(&ada, &stand_in).await;

    // The invoice email asks for replies at the invoice's own address, and names Ada's.
    let token = reply_to
        .strip_prefix("reply+")
        .and_then(|rest| rest.strip_suffix(&format!("@{DOMAIN}")))
        .expect("a reply address on the inbound domain");
    assert!(token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(
        !token.contains(&id),
        "the token says nothing about the invoice"
    );
    let invoice_email = stand_in
        .sent_with_key_prefix(&format!("paytrack-{id}-invoice"))
        .pop()
        .unwrap();
    assert!(
        invoice_email["text"]
            .as_str()
            .unwrap()
            .contains("ada@example.com")
    );
    assert!(scheduled_reminders(&app, &id).await > 0);

    let email_id = stand_in.receive_mail(zoes_reply(&reply_to, "Paying Friday, sorry!", json!({})));
    let event = received_event(&email_id, &reply_to, "Zoë Ångström <zoe@client.example>");
    assert_eq!(deliver(&app, "msg_reply_1", &event).await, 200);

    // Held, told, shown.
    let invoice = app.invoice_doc(&id).await;
    assert_eq!(
        invoice
            .get_document("reminders_paused")
            .unwrap()
            .get_str("reason")
            .unwrap(),
        "replied"
    );
    assert_eq!(scheduled_reminders(&app, &id).await, 0);
    let forwards = stand_in.sent_with_key_prefix("reply-forward-");
    assert_eq!(forwards.len(), 1);
    let forward = &forwards[0];
    assert_eq!(forward["to"], json!(["ada@example.com"]));
    assert_eq!(forward["reply_to"], "zoe@client.example");
    assert!(
        forward["subject"]
            .as_str()
            .unwrap()
            .contains("Zoë Ångström replied")
    );
    let text = forward["text"].as_str().unwrap();
    assert!(text.contains("Paying Friday, sorry!"), "{text}");
    assert!(text.contains(&format!("/invoices/{id}")), "{text}");
    assert!(text.contains("on hold"), "{text}");

    let reminders: Value = ada
        .call_form(&LoadInvoiceReminders { id: id.clone() })
        .await
        .body;
    assert_eq!(reminders["state"], "replied");
    let shown = &reminders["replies"][0];
    assert_eq!(shown["from"], "Zoë Ångström <zoe@client.example>");
    assert_eq!(shown["text"], "Paying Friday, sorry!");
    let html = shown["html"].as_str().unwrap();
    assert!(html.contains("Paying Friday"));
    assert!(
        !html.contains("<script") && !html.contains("tracker.example"),
        "{html}"
    );

    // Zoë's page shows what she last wrote.
    let client = app
        .invoice_doc(&id)
        .await
        .get_object_id("client_id")
        .unwrap();
    let page = ada
        .ok_form(&paytrack::api::clients::GetClient {
            id: client.to_hex(),
        })
        .await;
    let last = page
        .last_reply
        .expect("the last reply is on the client's page");
    assert_eq!(last.excerpt, "Paying Friday, sorry!");
    assert!(last.invoice_number.starts_with("INV-"), "{last:?}");

    // Delivered again (the same event, then Resend's retry under a new id): nothing new.
    assert_eq!(deliver(&app, "msg_reply_1", &event).await, 200);
    assert_eq!(deliver(&app, "msg_reply_1b", &event).await, 200);
    assert_eq!(stand_in.sent_with_key_prefix("reply-forward-").len(), 1);
    assert_eq!(replies_of(&app, &id).await.len(), 1);

    // Ada reads it and resumes: chasing plans its next step again.
    let resumed = ada.call_form(&ResumeReminders { id: id.clone() }).await;
    assert_eq!(resumed.status, 200, "{}", resumed.body);
    assert_eq!(resumed.body["state"], "active");
    assert!(scheduled_reminders(&app, &id).await > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_out_of_office_is_noted_and_chasing_goes_on() {
    let (app, stand_in, _) = scene().await;
    let ada = user(&app, &stand_in, "ada@example.com").await;
    let (id, reply_to) = sent_to_zoe(&ada, &stand_in).await;
    let before = scheduled_reminders(&app, &id).await;

    let away = zoes_reply(
        &reply_to,
        "I am out of the office until Monday.",
        json!({ "Auto-Submitted": "auto-replied", "Subject": "Automatic reply" }),
    );
    let email_id = stand_in.receive_mail(away);
    let event = received_event(&email_id, &reply_to, "zoe@client.example");
    assert_eq!(deliver(&app, "msg_away", &event).await, 200);

    assert!(!app.invoice_doc(&id).await.contains_key("reminders_paused"));
    assert_eq!(scheduled_reminders(&app, &id).await, before);
    assert!(stand_in.sent_with_key_prefix("reply-forward-").is_empty());
    let reminders = ada.call_form(&LoadInvoiceReminders { id }).await.body;
    assert_eq!(reminders["state"], "active");
    assert_eq!(reminders["replies"][0]["automatic"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_is_not_a_reply_to_a_live_invoice_changes_nothing() {
    let (app, stand_in, _) = scene().await;
    let ada = user(&app, &stand_in, "ada@example.com").await;
    let (id, reply_to) = sent_to_zoe(&ada, &stand_in).await;
    let reply = zoes_reply(&reply_to, "Paying Friday.", json!({}));
    let email_id = stand_in.receive_mail(reply.clone());

    // Forged: signed with another secret.
    let event = received_event(&email_id, &reply_to, "zoe@client.example");
    let forged = "whsec_b3RoZXJzZWNyZXQ=";
    assert_eq!(
        deliver_signed(&app, "msg_forged", &event, forged).await,
        401
    );
    assert!(untouched(&app, &id).await);
    assert_eq!(
        stand_in.reads_of(&email_id),
        0,
        "a forged event reads nothing"
    );

    // A well-formed token no invoice has, and an address that is no reply address.
    let unknown = format!("reply+{}@{DOMAIN}", "ab".repeat(16));
    let event = received_event(&email_id, &unknown, "zoe@client.example");
    assert_eq!(deliver(&app, "msg_unknown", &event).await, 200);
    let event = received_event(&email_id, &format!("hello@{DOMAIN}"), "zoe@client.example");
    assert_eq!(deliver(&app, "msg_other", &event).await, 200);
    assert!(untouched(&app, &id).await);

    // Too large to keep, and malformed (no sender).
    let mut huge = reply.clone();
    huge["text"] = json!("x".repeat(300 * 1024));
    let huge_id = stand_in.receive_mail(huge);
    let event = received_event(&huge_id, &reply_to, "zoe@client.example");
    assert_eq!(deliver(&app, "msg_huge", &event).await, 200);
    let mut nameless = reply.clone();
    nameless["from"] = json!("");
    let nameless_id = stand_in.receive_mail(nameless);
    let event = received_event(&nameless_id, &reply_to, "");
    assert_eq!(deliver(&app, "msg_nameless", &event).await, 200);
    // Not a JSON event at all, though signed.
    assert_eq!(deliver(&app, "msg_junk", "{not json").await, 400);
    assert!(untouched(&app, &id).await);
    assert!(stand_in.sent_with_key_prefix("reply-forward-").is_empty());

    // The account is gone: its invoices with it, and the reply finds nothing.
    ada.delete_account("ada@example.com").await;
    let event = received_event(&email_id, &reply_to, "zoe@client.example");
    assert_eq!(deliver(&app, "msg_after_deletion", &event).await, 200);
    let kept = app.count("replies", doc! {}).await;
    assert_eq!(kept, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_to_a_paid_invoice_is_kept_and_forwarded_without_a_hold() {
    let (app, stand_in, _) = scene().await;
    let ada = user(&app, &stand_in, "ada@example.com").await;
    let (id, reply_to) = sent_to_zoe(&ada, &stand_in).await;
    assert_eq!(ada.pay(&id, "201.56").await.status, 200);

    let email_id = stand_in.receive_mail(zoes_reply(&reply_to, "Paid, thanks!", json!({})));
    let event = received_event(&email_id, &reply_to, "zoe@client.example");
    assert_eq!(deliver(&app, "msg_paid", &event).await, 200);

    let stored = replies_of(&app, &id).await;
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].get_bool("held").unwrap());
    assert!(!app.invoice_doc(&id).await.contains_key("reminders_paused"));
    let forwards = stand_in.sent_with_key_prefix("reply-forward-");
    assert_eq!(forwards.len(), 1);
    assert!(!forwards[0]["text"].as_str().unwrap().contains("on hold"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resend_down_while_a_reply_arrives_means_a_later_delivery_does_it_all_once() {
    let (app, stand_in, _) = scene().await;
    let ada = user(&app, &stand_in, "ada@example.com").await;
    let (id, reply_to) = sent_to_zoe(&ada, &stand_in).await;
    let email_id = stand_in.receive_mail(zoes_reply(&reply_to, "Wrong PO number.", json!({})));
    let event = received_event(&email_id, &reply_to, "zoe@client.example");

    // The receiving API fails: nothing is kept, Resend is asked to deliver again.
    stand_in.script_receiving([Reply::ServerError; 4]);
    assert_eq!(deliver(&app, "msg_outage", &event).await, 503);
    assert!(replies_of(&app, &id).await.is_empty());

    // Read and held, but the forward fails on every try: again 503.
    stand_in.script([Reply::ServerError; 4]);
    let second = deliver(&app, "msg_outage", &event).await;
    if second == 200 {
        panic!(
            "the forward cannot have gone: {:?}",
            stand_in.sent_with_key_prefix("reply-forward-")
        );
    }
    assert_eq!(second, 503);
    assert_eq!(replies_of(&app, &id).await.len(), 1);
    assert_eq!(
        app.invoice_doc(&id)
            .await
            .get_document("reminders_paused")
            .unwrap()
            .get_str("reason")
            .unwrap(),
        "replied"
    );

    // The forward's answer is lost after Resend took it; the next delivery asks again
    // under the same key and Resend answers with the first email: one forward in all.
    stand_in.script([Reply::AcceptedButLost; 4]);
    assert_eq!(deliver(&app, "msg_outage", &event).await, 503);
    assert_eq!(deliver(&app, "msg_outage", &event).await, 200);
    assert_eq!(stand_in.sent_with_key_prefix("reply-forward-").len(), 1);
    assert!(stand_in.duplicates().is_empty());
    let stored = replies_of(&app, &id).await;
    assert_eq!(stored.len(), 1);
    assert!(stored[0].contains_key("forwarded_at"));
}
