//! Invoices a business can legally send: the business profile, clients' country and tax
//! number, taxes by name, the EU reverse charge, and the PDF (read back with `pdftotext`).

use std::process::Command;
use std::sync::Arc;

use jiff::Timestamp;
use mongodb::bson::{Document, doc, oid::ObjectId};
use paytrack::api::business::{BusinessForm, BusinessSave, GetBusiness, SaveBusiness};
use paytrack::api::clients::{ClientSave, CreateClient};
use paytrack::api::invoices::{InvoiceSave, UpdateInvoice};
use paytrack::domain::business::BusinessInput;
use paytrack::domain::client::ClientInput;
use paytrack::domain::invoice_draft::InvoiceInput;
use paytrack::server::jobs::clock::ManualClock;
use serde_json::Value;

use crate::common::billing::{User, invoice_input};
use crate::common::pdf::{pdf_text_of, pdf_text_of_bytes};
use crate::common::resend::{Reply, ResendStandIn, engine};
use crate::common::{config_with, leptos_options, spawn_app};

fn business() -> BusinessInput {
    BusinessInput {
        legal_name: "Łukasz Müller Design SARL".to_string(),
        address: "12 rue de la Paix\n75002 Paris".to_string(),
        country: "FR".to_string(),
        tax_id: "FR 12 345678901".to_string(),
        email: "billing@muller.example".to_string(),
        phone: "+33 1 23 45 67 89".to_string(),
        payment_instructions: "IBAN FR76 3000 6000 0112 3456 7890 189".to_string(),
        default_taxes: "TVA 20%".to_string(),
        default_notes: "Merci !".to_string(),
        footer: "SARL au capital de 1 000 €".to_string(),
    }
}

impl User<'_> {
    async fn save_business(&self, input: BusinessInput) -> BusinessSave {
        self.ok(&SaveBusiness { input }).await
    }

    /// A client in `country` with a tax number; returns its id.
    async fn business_client(&self, name: &str, country: &str) -> String {
        let input = ClientInput {
            name: name.to_string(),
            emails: "ap@client.example".to_string(),
            company: "Größe GmbH".to_string(),
            country: country.to_string(),
            tax_id: "DE123456789".to_string(),
            currency: "EUR".to_string(),
            reminders: true,
            ..ClientInput::default()
        };
        match self.ok(&CreateClient { input }).await {
            ClientSave::Saved(summary) => summary.id,
            ClientSave::Invalid(errors) => panic!("client refused: {errors:?}"),
        }
    }

    /// The text of a PDF this user downloads from `path`.
    async fn pdf_text(&self, path: &str) -> String {
        let response = self.app.get_with_cookie(path, &self.cookie).await;
        assert_eq!(response.status(), 200, "{path}");
        pdf_text_of(response).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_business_profile_is_saved_whole_and_a_bad_field_changes_nothing() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;

    let BusinessSave::Saved(saved) = ada.save_business(business()).await else {
        panic!("a valid profile is saved");
    };
    assert_eq!(saved.country, "FR");
    assert_eq!(saved.default_taxes, "TVA 20%");
    let form: BusinessForm = ada.ok(&GetBusiness {}).await;
    assert_eq!(form.input, saved);

    let bad = BusinessInput {
        legal_name: "Someone Else Ltd".to_string(),
        tax_id: "<script>".to_string(),
        country: "Narnia".to_string(),
        ..business()
    };
    let BusinessSave::Invalid(errors) = ada.save_business(bad).await else {
        panic!("an invalid profile is refused");
    };
    assert!(errors.tax_id.unwrap().contains("tax number"));
    assert!(errors.country.unwrap().contains("Narnia"));
    let form: BusinessForm = ada.ok(&GetBusiness {}).await;
    assert_eq!(form.input.legal_name, "Łukasz Müller Design SARL");

    // Another user sees none of it.
    let grace = app.user("grace@example.com").await;
    let theirs: BusinessForm = grace.ok(&GetBusiness {}).await;
    assert_eq!(theirs.input, BusinessInput::default());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invoice_names_the_seller_the_client_each_tax_and_the_reverse_charge() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    ada.save_business(business()).await;
    let client = ada.business_client("Greta", "DE").await;

    // Two named taxes: one line each, adding up to the tax total.
    let mut input = invoice_input(&client);
    input.currency = "EUR".to_string();
    input.taxes = "GST 5%, QST 9.975%".to_string();
    let (id, _) = ada.draft_with(input.clone()).await;
    let detail = ada.invoice(&id).await.body;
    let document = &detail["document"];
    assert_eq!(document["from"]["legal_name"], "Łukasz Müller Design SARL");
    assert_eq!(document["from"]["country"], "France");
    assert_eq!(document["from"]["tax_id"], "FR 12 345678901");
    assert_eq!(document["from"]["email"], "billing@muller.example");
    assert_eq!(document["bill_to"]["country"], "Germany");
    assert_eq!(document["bill_to"]["tax_id"], "DE123456789");
    let taxes = document["taxes"].as_array().unwrap();
    let labels: Vec<&str> = taxes.iter().map(|t| t["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["GST 5%", "QST 9.975%"]);
    // 213.29 − 10% = 191.96; 5% = 9.60, 9.975% = 19.15 (19.148…).
    let minor = |v: &Value| v["amount"]["minor"].as_i64().unwrap();
    assert_eq!((minor(&taxes[0]), minor(&taxes[1])), (960, 1915));
    assert_eq!(document["totals"]["tax"]["minor"], 960 + 1915);
    assert_eq!(document["reverse_charge"], Value::Null);
    assert_eq!(detail["input"]["taxes"], "GST 5%, QST 9.975%");

    // A tax named twice would be charged twice: refused with why, and the draft keeps its taxes.
    let twice = InvoiceInput {
        taxes: "GST 5%, QST 9.975%, gst 5%".to_string(),
        ..input.clone()
    };
    let update = UpdateInvoice {
        id: id.clone(),
        input: twice,
    };
    let InvoiceSave::Invalid(errors) = ada.ok(&update).await else {
        panic!("a tax named twice was saved");
    };
    assert_eq!(
        errors.taxes.as_deref(),
        Some("“gst” is listed twice; each tax applies to the whole invoice, so name it once.")
    );
    let unchanged = ada.invoice(&id).await.body;
    assert_eq!(unchanged["input"]["taxes"], "GST 5%, QST 9.975%");
    assert_eq!(unchanged["document"]["totals"]["tax"]["minor"], 960 + 1915);

    // No tax, a business client in another EU country: the invoice says who owes the VAT.
    input.taxes = String::new();
    let (untaxed, _) = ada.draft_with(input).await;
    let document = ada.invoice(&untaxed).await.body["document"].clone();
    assert!(
        document["reverse_charge"]
            .as_str()
            .unwrap()
            .starts_with("Reverse charge")
    );
    assert_eq!(
        document["payment_instructions"],
        "IBAN FR76 3000 6000 0112 3456 7890 189"
    );
    assert_eq!(document["footer"], "SARL au capital de 1 000 €");

    // Sent, the invoice keeps the seller it was sent by; a draft follows the profile.
    assert_eq!(ada.send(&untaxed).await.status, 200);
    ada.save_business(BusinessInput {
        legal_name: "Müller Studio SAS".to_string(),
        ..business()
    })
    .await;
    let sent = ada.invoice(&untaxed).await.body["document"].clone();
    assert_eq!(sent["from"]["legal_name"], "Łukasz Müller Design SARL");
    let draft = ada.invoice(&id).await.body["document"].clone();
    assert_eq!(draft["from"]["legal_name"], "Müller Studio SAS");
}

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
async fn new_invoices_start_with_the_default_taxes_and_notes() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    ada.save_business(business()).await;
    let context = ada
        .call_form(&paytrack::api::invoices::LoadEditorContext {})
        .await;
    assert_eq!(context.body["default_taxes"], "TVA 20%");
    assert_eq!(context.body["default_notes"], "Merci !");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoices_saved_with_bare_tax_rates_read_as_named_taxes_after_the_migration() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    let client = ada.client("Old Client").await;
    let (id, _) = ada.draft(&client).await;
    // As an invoice was stored before taxes had names.
    let invoices = app.db.collection::<Document>("invoices");
    let oid = ObjectId::parse_str(&id).unwrap();
    invoices
        .update_one(
            doc! { "_id": oid },
            doc! { "$unset": { "taxes": "" }, "$set": { "tax_rates": [5000_i64] } },
        )
        .await
        .unwrap();
    app.db
        .collection::<Document>("migrations")
        .delete_one(doc! { "_id": "2026-12-taxes-by-name" })
        .await
        .unwrap();

    // The next start moves them.
    let name = app.db.name().to_string();
    let config = config_with(&app.uri, &name, &[]);
    drop(
        paytrack::server::startup::Application::build(config, leptos_options())
            .await
            .expect("starts"),
    );
    let stored = invoices
        .find_one(doc! { "_id": oid })
        .await
        .unwrap()
        .unwrap();
    assert!(!stored.contains_key("tax_rates"));
    let document = ada.invoice(&id).await.body["document"].clone();
    assert_eq!(document["taxes"][0]["label"], "Tax 5%");
    assert_eq!(document["totals"]["tax"]["minor"], 960);
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
    for (body, why) in [
        (b"<svg onload=alert(1)/>".to_vec(), "PNG or JPEG"),
        (png[..png.len() / 2].to_vec(), "damaged"),
        (vec![0x89; 600 * 1024], "512 KB"),
    ] {
        let refused = upload(body, Some(ada.cookie.clone())).await;
        assert!(refused.status().is_client_error());
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

/// Saves the numbering as the page's form does (URL-encoded).
async fn save_numbering(
    user: &User<'_>,
    numbering: &str,
    next: &str,
) -> paytrack::api::business::NumberingSave {
    let form = paytrack::api::business::SaveNumbering {
        numbering: numbering.to_string(),
        next: next.to_string(),
    };
    let answer = user.call_form(&form).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    serde_json::from_value(answer.body).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_run_on_from_a_chosen_number_or_by_year_and_never_repeat() {
    use paytrack::api::business::NumberingSave;
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    let client = ada.client("Acme").await;

    let (_, first) = ada.draft(&client).await;
    assert_eq!(first, "INV-0001");
    // Carrying on from another tool: the next invoice is INV-1042.
    let saved: NumberingSave = save_numbering(&ada, "continuous", "1042").await;
    assert_eq!(saved, NumberingSave::Saved("INV-1042".to_string()));
    let (_, moved) = ada.draft(&client).await;
    assert_eq!(moved, "INV-1042");
    // Never onto or behind a number in use; nothing changes when refused.
    for used in ["1042", "5", "abc"] {
        let NumberingSave::Invalid {
            next: Some(why), ..
        } = save_numbering(&ada, "continuous", used).await
        else {
            panic!("{used} is refused");
        };
        assert!(why.contains("INV-1042") || why.contains("abc"), "{why}");
    }
    let form: BusinessForm = ada.ok(&GetBusiness {}).await;
    assert_eq!(form.next_number, "INV-1043");

    // By year: the series of the year of issue, from 1; the next number moves this year's.
    let saved: NumberingSave = save_numbering(&ada, "yearly", "").await;
    let NumberingSave::Saved(preview) = saved else {
        panic!("yearly numbering is saved");
    };
    let today = ada
        .call_form(&paytrack::api::invoices::LoadEditorContext {})
        .await
        .body["today"]
        .as_str()
        .unwrap()
        .to_string();
    let year = &today[..4];
    assert_eq!(preview, format!("INV-{year}-0001"));
    let mut input = invoice_input(&client);
    input.issue_date = "2025-06-01".to_string();
    input.due_date = "2025-07-01".to_string();
    let (old, in_2025) = ada.draft_with(input).await;
    assert_eq!(in_2025, "INV-2025-0001");
    save_numbering(&ada, "yearly", "7").await;
    let mut input = invoice_input(&client);
    input.issue_date = today.clone();
    input.due_date = today.clone();
    let (_, seventh) = ada.draft_with(input.clone()).await;
    assert_eq!(seventh, format!("INV-{year}-0007"));
    let NumberingSave::Invalid {
        next: Some(why), ..
    } = save_numbering(&ada, "yearly", "6").await
    else {
        panic!("a number behind one in use is refused");
    };
    assert!(why.contains(&format!("INV-{year}-0007")), "{why}");
    // Deleting the newest draft of a series gives its number back.
    let deleted = ada
        .call_form(&paytrack::api::invoices::DeleteDraft { id: old })
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    input.issue_date = "2025-06-02".to_string();
    input.due_date = "2025-07-02".to_string();
    let (_, again) = ada.draft_with(input).await;
    assert_eq!(again, "INV-2025-0001");
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
