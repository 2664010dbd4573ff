//! When the work was done: the service date or period an invoice states (the EU's and the UK's
//! date of supply), from the editor to the owner's page, the PDF, the client's page and the
//! spreadsheet, checked like any field and never carried into a duplicate.

use paytrack::api::invoices::{InvoiceSave, UpdateInvoice};
use paytrack::domain::invoice_draft::InvoiceInput;
use serde_json::json;

use crate::common::billing::{User, invoice_input};
use crate::common::pdf::pdf_text_of;
use crate::common::sheets::{column, rows};
use crate::common::{markup, spawn_app};

async fn pdf_text(user: &User<'_>, id: &str) -> String {
    let response = user
        .app
        .get_with_cookie(&format!("/invoices/{id}/pdf"), &user.cookie)
        .await;
    assert_eq!(response.status(), 200);
    pdf_text_of(response).await
}

async fn update(user: &User<'_>, id: &str, input: InvoiceInput) -> InvoiceSave {
    let id = id.to_string();
    user.ok(&UpdateInvoice { id, input }).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_period_is_on_every_form_of_the_invoice_and_checked_like_any_field() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    let client = ada.client("Acme").await;
    let november = InvoiceInput {
        issue_date: "2026-12-01".to_string(),
        due_date: "2026-12-31".to_string(),
        service_from: "2026-11-01".to_string(),
        service_to: "2026-11-30".to_string(),
        ..invoice_input(&client)
    };
    let (id, number) = ada.draft_with(november.clone()).await;

    let detail = ada.invoice(&id).await.body;
    assert_eq!(
        detail["document"]["service_period"],
        json!({ "first": "2026-11-01", "last": "2026-11-30" })
    );
    assert_eq!(detail["input"]["service_from"], "2026-11-01");
    assert_eq!(detail["input"]["service_to"], "2026-11-30");
    let text = pdf_text(&ada, &id).await;
    assert!(
        text.contains("Service period") && text.contains("2026-11-01 to 2026-11-30"),
        "{text}"
    );

    // A period that ends before it starts is refused on its field, and nothing changes.
    let backwards = InvoiceInput {
        service_from: "2026-11-30".to_string(),
        service_to: "2026-11-01".to_string(),
        ..november.clone()
    };
    let InvoiceSave::Invalid(errors) = update(&ada, &id, backwards).await else {
        panic!("a backwards period is refused");
    };
    assert_eq!(
        errors.service_period.as_deref(),
        Some("The service period can't end before it starts.")
    );
    let detail = ada.invoice(&id).await.body;
    assert_eq!(detail["document"]["service_period"]["last"], "2026-11-30");
    // A last day alone is not a date of supply.
    let half = InvoiceInput {
        service_from: String::new(),
        ..november.clone()
    };
    let InvoiceSave::Invalid(errors) = update(&ada, &id, half).await else {
        panic!("a last day without a first is refused");
    };
    assert!(
        errors
            .service_period
            .unwrap()
            .contains("day the work started")
    );

    // One day is a service date.
    let one_day = InvoiceInput {
        service_from: "2026-11-27".to_string(),
        service_to: String::new(),
        ..november.clone()
    };
    assert!(matches!(
        update(&ada, &id, one_day).await,
        InvoiceSave::Saved { .. }
    ));
    let text = pdf_text(&ada, &id).await;
    assert!(
        text.contains("Service date") && text.contains("2026-11-27"),
        "{text}"
    );
    assert!(!text.contains("Service period"), "{text}");

    // Sent, the client's page and the spreadsheet say it too.
    assert_eq!(ada.send(&id).await.status, 200);
    let url = ada.invoice(&id).await.body["public_url"]
        .as_str()
        .unwrap()
        .to_string();
    let page = app.http.get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = markup(&page.text().await.unwrap());
    let stated = html
        .split_once("<dt>Service date</dt>")
        .map_or("", |(_, after)| &after[..after.find("</dd>").unwrap_or(0)]);
    assert!(
        stated.starts_with(r#"<dd><time datetime="2026-11-27">2026-11-27</time>"#)
            && !stated.contains(" to "),
        "the client's page states the service date, as a date: {stated}"
    );
    let sheet = rows(&ada, "/invoices/export.csv").await;
    assert_eq!(column(&sheet, "number"), [number]);
    assert_eq!(column(&sheet, "service_from"), ["2026-11-27"]);
    assert_eq!(column(&sheet, "service_to"), ["2026-11-27"]);

    // A duplicate bills new work: it starts without a service date, to be filled in.
    let copy = ada.form("/api/invoices/duplicate", &[("id", &id)]).await;
    let copy_id = copy.body["Saved"]["id"].as_str().unwrap();
    let copy = ada.invoice(copy_id).await.body;
    assert!(copy["document"]["service_period"].is_null(), "{copy}");
    assert_eq!(copy["input"]["service_from"], "");
    let text = pdf_text(&ada, copy_id).await;
    assert!(!text.contains("Service"), "{text}");
}
