//! Text typed into PayTrack's forms reaches invoices, PDFs, exports and email subjects: a
//! control character is refused where it is typed, by name, and nothing is saved; line breaks
//! are kept only where a field has lines.

use mongodb::bson::doc;
use paytrack::api::clients::GetClient;
use paytrack::domain::client::ClientInput;
use serde_json::json;

use crate::common::billing::{client_input, invoice_input};
use crate::common::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_characters_are_refused_by_name_and_nothing_is_saved() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;

    let client = ada
        .json(
            "/api/clients/create",
            json!({ "input": ClientInput {
                name: "Acme\u{0}".to_string(),
                company: "Acme Ltd\nBcc: everyone@example.com".to_string(),
                notes: "Pays late \u{1b}[31m".to_string(),
                ..client_input("Acme")
            } }),
        )
        .await;
    assert_eq!(client.status, 200, "{}", client.body);
    let errors = &client.body["Invalid"];
    assert_eq!(
        errors["name"],
        "Remove the invisible control character (U+0000) from the name."
    );
    assert_eq!(errors["company"], "Keep the company name on one line.");
    assert_eq!(
        errors["notes"],
        "Remove the invisible control character (U+001B) from the notes."
    );
    assert_eq!(app.count("clients", doc! {}).await, 0);

    let acme = ada.client("Acme").await;
    let mut input = invoice_input(&acme);
    input.lines[1].description = "Hosting\r\nand more".to_string();
    input.notes = "Thanks\u{7}".to_string();
    let invoice = ada
        .json("/api/invoices/create", json!({ "input": input }))
        .await;
    let errors = &invoice.body["Invalid"];
    assert_eq!(
        errors["lines"][1]["description"], "Keep the description on one line.",
        "{}",
        invoice.body
    );
    assert_eq!(
        errors["notes"],
        "Remove the invisible control character (U+0007) from the notes."
    );
    assert_eq!(app.count("invoices", doc! {}).await, 0);

    let business = ada
        .json(
            "/api/account/business/save",
            json!({ "input": { "legal_name": "Ada\u{85}Ltd", "address": "", "country": "",
                "tax_id": "", "email": "", "phone": "", "payment_instructions": "",
                "default_taxes": "", "default_notes": "", "footer": "" } }),
        )
        .await;
    assert_eq!(
        business.body["Invalid"]["legal_name"],
        "Remove the invisible control character (U+0085) from the legal name.",
        "{}",
        business.body
    );
    let profile = ada
        .form(
            "/api/account/profile",
            &[
                ("name", "Ada\nLovelace"),
                ("time_zone", "Europe/Paris"),
                ("invoice_prefix", "INV-"),
            ],
        )
        .await;
    assert_eq!(
        profile.body["Invalid"]["name"], "Keep the name on one line.",
        "{}",
        profile.body
    );
    let reminders = ada
        .json(
            "/api/reminders/save",
            json!({ "send_hour": "9", "steps": [{ "offset_days": "3",
                "subject": "Invoice {{invoice_number}}\r\nBcc: x@example.com",
                "body": "Please pay {{pay_link}}" }] }),
        )
        .await;
    assert_eq!(
        reminders.body["Invalid"]["policy"]["each"][0]["subject"], "Keep the subject on one line.",
        "{}",
        reminders.body
    );

    let user = app.user_document("ada@example.com").await;
    assert_eq!(user.get_str("name"), Ok("ada"), "{user}");
    assert!(!user.contains_key("business"), "{user}");
    assert!(!user.contains_key("reminders"), "the defaults stay: {user}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn characters_that_reorder_what_an_invoice_shows_are_refused_by_name() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    let acme = ada.client("Acme").await;

    // Shown as "Design work €100.00"; stored, printed to the PDF and searched as "€001.00".
    let mut input = invoice_input(&acme);
    input.lines[0].description = "Design work \u{202E}00.001€\u{202C}".to_string();
    input.taxes = "VAT\u{2067} 20%".to_string();
    let invoice = ada
        .json("/api/invoices/create", json!({ "input": input }))
        .await;
    assert_eq!(invoice.status, 200, "{}", invoice.body);
    let errors = &invoice.body["Invalid"];
    assert_eq!(
        errors["lines"][0]["description"],
        "Remove the invisible text-direction character (U+202E) from the description: it shows \
         the text in another order than it is saved.",
        "{}",
        invoice.body
    );
    assert_eq!(
        errors["taxes"],
        "Remove the invisible text-direction character (U+2067) from the tax's name: it shows \
         the text in another order than it is saved.",
        "{}",
        invoice.body
    );
    assert_eq!(app.count("invoices", doc! {}).await, 0);

    let client = ada
        .json(
            "/api/clients/create",
            json!({ "input": ClientInput {
                name: "\u{202D}Acme Holdings".to_string(),
                ..client_input("Acme Holdings")
            } }),
        )
        .await;
    assert_eq!(
        client.body["Invalid"]["name"],
        "Remove the invisible text-direction character (U+202D) from the name: it shows the \
         text in another order than it is saved.",
        "{}",
        client.body
    );
    assert_eq!(app.count("clients", doc! {}).await, 1);

    // Hebrew and a Latin name side by side need only a mark, which stays.
    let mixed = ada
        .client_with(ClientInput {
            name: "שלום\u{200F} Acme".to_string(),
            ..client_input("Acme IL")
        })
        .await;
    let file = ada.ok_form(&GetClient { id: mixed }).await;
    assert_eq!(file.summary.name, "שלום\u{200F} Acme");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fields_with_lines_keep_them_in_one_form_and_tabs_become_spaces() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    let acme = ada
        .client_with(ClientInput {
            name: "Acme\tCorp".to_string(),
            address: "1 Main Street\r\nSpringfield\rUSA\n".to_string(),
            notes: "Ask for Bo.\tPays on Fridays.".to_string(),
            ..client_input("Acme")
        })
        .await;

    let file = ada.ok_form(&GetClient { id: acme }).await;
    assert_eq!(file.summary.name, "Acme Corp");
    assert_eq!(
        file.address.as_deref(),
        Some("1 Main Street\nSpringfield\nUSA")
    );
    assert_eq!(file.notes.as_deref(), Some("Ask for Bo. Pays on Fridays."));
}
