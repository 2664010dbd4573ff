//! The invoice's PDF (read back with `pdftotext`): what the page shows, for the owner and the
//! client only; the business's logo, checked, stored, served and drawn; and the invoice email
//! carrying the PDF alone, the same file on a retry.

use std::process::Command;
use std::sync::Arc;

use jiff::Timestamp;
use mongodb::bson::{Document, doc, oid::ObjectId};
use paytrack::api::business::{BusinessForm, GetBusiness};
use paytrack::server::jobs::clock::ManualClock;
use serde_json::Value;

use crate::business::business;
use crate::common::billing::invoice_input;
use crate::common::chasing::engine;
use crate::common::pdf::{pdf_text_of, pdf_text_of_bytes};
use crate::common::resend::{Reply, ResendStandIn};
use crate::common::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pdf_holds_what_the_page_shows_for_the_owner_and_the_client_only() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    ada.save_business(business()).await;
    let client = ada.business_client("Zoë Ångström", "DE").await;
    let mut input = invoice_input(&client);
    input.currency = "EUR".to_string();
    input.taxes = "VAT 20%".to_string();
    input.lines[0].description = "Logo design — ß, ł, €, £, ¥ and a description long enough \
        that it has to wrap onto a second line of the PDF's description column"
        .to_string();
    let (id, number) = ada.draft_with(input).await;

    let text = ada.pdf_text(&format!("/invoices/{id}/pdf")).await;
    for expected in [
        "Łukasz Müller Design SARL",
        "12 rue de la Paix",
        "France",
        "Tax ID: FR 12 345678901",
        "Zoë Ångström",
        "Größe GmbH",
        "Tax ID: DE123456789",
        number.as_str(),
        "ß, ł, €, £, ¥",
        "VAT 20%",
        "€38.39",
        "€230.35",
        "IBAN FR76 3000 6000 0112 3456 7890 189",
        "SARL au capital de 1 000 €",
        "Thank you!",
    ] {
        assert!(
            text.contains(expected),
            "“{expected}” is in the PDF:\n{text}"
        );
    }

    // Someone else's invoice, a malformed id, and no session.
    let grace = app.user("grace@example.com").await;
    let theirs = app
        .get_with_cookie(&format!("/invoices/{id}/pdf"), &grace.cookie)
        .await;
    assert_eq!(theirs.status(), 404);
    let malformed = app
        .get_with_cookie("/invoices/nope/pdf", &grace.cookie)
        .await;
    assert_eq!(malformed.status(), 404);
    let signed_out = app
        .http
        .get(app.url(&format!("/invoices/{id}/pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), 303);

    // The client's link gives the same PDF once sent; an unknown link gives nothing.
    assert_eq!(ada.send(&id).await.status, 200);
    let url = ada.invoice(&id).await.body["public_url"]
        .as_str()
        .unwrap()
        .to_string();
    let path = url.trim_start_matches(&app.address).to_string();
    let public = app
        .http
        .get(app.url(&format!("{path}/pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), 200);
    let text = pdf_text_of(public).await;
    assert!(text.contains("Łukasz Müller Design SARL") && text.contains("€230.35"));
    let unknown = app
        .http
        .get(app.url("/i/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logo_is_checked_stored_served_and_drawn_in_the_pdf() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    let upload = |body: Vec<u8>, cookie: Option<String>| {
        let mut request = app
            .http
            .post(app.url("/account/logo"))
            .header("content-type", "image/png")
            .body(body);
        if let Some(cookie) = cookie {
            request = request.header("cookie", format!("paytrack_session={cookie}"));
        }
        async move { request.send().await.unwrap() }
    };
    let jpeg = include_bytes!("../fixtures/logo.jpg").to_vec();
    let png = include_bytes!("../fixtures/logo.png").to_vec();

    // Refused, with why, and nothing stored: not an image, damaged, too large, signed out.
    // Too large is said with HTTP's own status, whether the body passed the route's limit
    // (never read) or only the logo's (read, then refused).
    for (body, status, why) in [
        (b"<svg onload=alert(1)/>".to_vec(), 422, "PNG or JPEG"),
        (png[..png.len() / 2].to_vec(), 422, "damaged"),
        (vec![0x89; 600 * 1024], 413, "larger than 512 KB"),
        (vec![0x89; 512 * 1024 + 1], 413, "513 KB"),
    ] {
        let refused = upload(body, Some(ada.cookie.clone())).await;
        assert_eq!(refused.status(), status, "{why}");
        assert!(refused.text().await.unwrap().contains(why), "{why}");
    }
    assert_eq!(upload(jpeg.clone(), None).await.status(), 401);
    let form: BusinessForm = ada.ok(&GetBusiness {}).await;
    assert_eq!(form.logo_url, None);

    // A JPEG sent as "image/png": stored as what it is.
    let stored = upload(jpeg.clone(), Some(ada.cookie.clone())).await;
    assert_eq!(stored.status(), 200);
    let url = stored.text().await.unwrap();
    let served = app.http.get(app.url(&url)).send().await.unwrap();
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    assert!(
        served.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(served.bytes().await.unwrap().to_vec(), jpeg);

    // The invoice shows it, and the PDF draws it.
    let client = ada.client("Acme").await;
    let (id, _) = ada.draft(&client).await;
    let document = ada.invoice(&id).await.body["document"].clone();
    assert_eq!(document["from"]["logo_url"], url.as_str());
    let pdf = app
        .get_with_cookie(&format!("/invoices/{id}/pdf"), &ada.cookie)
        .await;
    let bytes = pdf.bytes().await.unwrap();
    let path = std::env::temp_dir().join(format!("logo-{}.pdf", ObjectId::new()));
    std::fs::write(&path, &bytes).unwrap();
    let images = Command::new("pdfimages")
        .arg("-list")
        .arg(&path)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    let listed = String::from_utf8_lossy(&images.stdout).to_string();
    // Columns: page, num, type, width, height, …
    let sizes: Vec<(String, String)> = listed
        .lines()
        .skip(2)
        .filter_map(|line| {
            let columns: Vec<&str> = line.split_whitespace().collect();
            Some((columns.get(3)?.to_string(), columns.get(4)?.to_string()))
        })
        .collect();
    assert!(sizes.contains(&("120".into(), "40".into())), "{listed}");

    // Replaced: a new address, the old one gone; removed: no logo anywhere.
    let replaced = upload(png, Some(ada.cookie.clone()))
        .await
        .text()
        .await
        .unwrap();
    assert_ne!(replaced, url);
    assert_eq!(
        app.http.get(app.url(&url)).send().await.unwrap().status(),
        404
    );
    ada.ok(&paytrack::api::business::RemoveLogo {}).await;
    assert_eq!(
        app.http
            .get(app.url(&replaced))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let document = ada.invoice(&id).await.body["document"].clone();
    assert_eq!(document["from"]["logo_url"], Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_invoice_email_carries_its_pdf_alone_and_a_retry_sends_the_same_file() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    ada.save_business(business()).await;
    let client = ada.business_client("Zoë Ångström", "DE").await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let mut input = invoice_input(&client);
        input.currency = "EUR".to_string();
        let (id, _) = ada.draft_with(input).await;
        assert_eq!(ada.send(&id).await.status, 200);
        ids.push(ObjectId::parse_str(&id).unwrap());
    }
    // In development the outbox shows what went with each invoice email.
    let outbox = app.db.collection::<Document>("outbox");
    let sent = outbox
        .find_one(doc! { "kind": "invoice", "subject": { "$regex": "INV-0001" } })
        .await
        .unwrap()
        .expect("the invoice email is in the outbox");
    let attached = sent.get_array("attachments").unwrap()[0]
        .as_document()
        .unwrap()
        .clone();
    assert_eq!(attached.get_str("filename").unwrap(), "INV-0001.pdf");
    assert_eq!(attached.get_str("content_type").unwrap(), "application/pdf");
    assert!(attached.get_i64("size").unwrap() > 1000);

    // Two of them as a server that died after sending them leaves them: marked sent, their
    // emails not on the schedule. The engine on Resend sweeps them up in one pass.
    let (resend, stand_in) = ResendStandIn::start().await;
    let jobs = app.db.collection::<Document>("email_jobs");
    jobs.delete_many(doc! { "invoice_id": { "$in": &ids[..2] }, "step": "invoice" })
        .await
        .unwrap();
    app.db
        .collection::<Document>("invoices")
        .update_many(
            doc! { "_id": { "$in": &ids[..2] } },
            doc! { "$set": { "email_pending_since": mongodb::bson::DateTime::now() } },
        )
        .await
        .unwrap();
    // The first answer is lost on the way back: the retry must be the very same request.
    stand_in.script([Reply::AcceptedButLost]);
    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    let engine = engine(&app, &resend, clock);
    let report = engine.tick().await.unwrap();
    assert_eq!((report.rescheduled, report.sent, report.batches), (2, 2, 0));

    let requests = stand_in.requests();
    assert_eq!(requests.len(), 3, "two emails, one of them asked twice");
    assert_eq!(
        requests[0], requests[1],
        "the retry repeats the request byte for byte"
    );
    let mut keys: Vec<String> = ids[..2]
        .iter()
        .map(|id| format!("paytrack-{id}-invoice"))
        .collect();
    keys.sort();
    assert_eq!(stand_in.sent_keys(), keys);
    for (_, body) in &requests[1..] {
        assert!(body.is_object(), "an email with a file goes on its own");
        let attachments = body["attachments"].as_array().unwrap();
        assert_eq!(attachments.len(), 1);
        let file = &attachments[0];
        assert_eq!(file["content_type"], "application/pdf");
        let number = body["subject"].as_str().unwrap();
        let filename = file["filename"].as_str().unwrap();
        assert!(
            filename.ends_with(".pdf") && number.contains(filename.trim_end_matches(".pdf")),
            "{filename} is named after the invoice in “{number}”"
        );
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(file["content"].as_str().unwrap())
            .unwrap();
        let text = pdf_text_of_bytes(&bytes);
        assert!(
            text.contains("Łukasz Müller Design SARL") && text.contains("Zoë Ångström"),
            "{text}"
        );
        assert!(!text.contains("Draft, not sent"), "{text}");
    }
}
