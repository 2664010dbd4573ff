//! Locally, without Resend, a reply typed in the dev outbox takes the same path as one that
//! came through Resend: it holds the reminders, reaches the user and shows on the invoice.

use mongodb::bson::{Document, doc, oid::ObjectId};
use paytrack::api::reminders::LoadInvoiceReminders;

use crate::common::spawn_app;
use crate::replies::untouched;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locally_a_reply_typed_in_the_dev_outbox_takes_the_same_path() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    let client = ada.client("Grace Hopper").await;
    let (id, number) = ada.draft(&client).await;
    assert_eq!(ada.send(&id).await.status, 200);
    let outbox = app.db.collection::<Document>("outbox");
    let invoice_email = outbox
        .find_one(doc! { "kind": "invoice", "subject": { "$regex": &number } })
        .await
        .unwrap()
        .expect("the invoice email is in the outbox");
    let reply_to = invoice_email.get_str("reply_to").unwrap();
    assert!(
        reply_to.starts_with("reply+") && reply_to.ends_with("@replies.localhost"),
        "{reply_to}"
    );
    let email_id = invoice_email.get_object_id("_id").unwrap().to_hex();
    let reply = |text: &'static str, email_id: String| {
        let app = &app;
        async move {
            app.call(
                "/api/dev/reply",
                &[
                    ("email_id", email_id.as_str()),
                    ("text", text),
                    ("automatic", "false"),
                ],
            )
            .await
        }
    };

    // Nothing to say, or no such email: refused with why, nothing held.
    assert_eq!(reply("  ", email_id.clone()).await.status(), 400);
    assert_eq!(reply("Hi", ObjectId::new().to_hex()).await.status(), 404);
    assert!(untouched(&app, &id).await);

    let answered = reply("Paying Friday.", email_id.clone()).await;
    assert_eq!(answered.status(), 200);
    let said: String = answered.json().await.unwrap();
    assert!(said.contains("on hold"), "{said}");
    let invoice = app.invoice_doc(&id).await;
    let held = invoice.get_document("reminders_paused").unwrap();
    assert_eq!(held.get_str("reason").unwrap(), "replied");
    let forward = outbox
        .find_one(doc! { "kind": "reply_forward" })
        .await
        .unwrap()
        .expect("the reply was forwarded to the owner");
    assert_eq!(forward.get_str("to").unwrap(), "ada@example.com");
    assert_eq!(
        forward.get_str("reply_to").unwrap(),
        "grace.hopper@client.test"
    );
    assert!(
        forward
            .get_str("text")
            .unwrap()
            .contains("> Paying Friday.")
    );
    let shown = ada.call_form(&LoadInvoiceReminders { id }).await.body;
    assert_eq!(shown["replies"][0]["text"], "Paying Friday.");
}
