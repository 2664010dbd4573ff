//! Invoices a business can legally send: the business profile, clients' country and tax
//! number, taxes by name and the EU reverse charge. The PDF: `invoice_pdf.rs`; numbering:
//! `numbering.rs`.

use mongodb::bson::{Document, doc, oid::ObjectId};
use paytrack::api::business::{BusinessForm, BusinessSave, GetBusiness, SaveBusiness};
use paytrack::api::clients::{ClientSave, CreateClient};
use paytrack::api::invoices::{InvoiceSave, UpdateInvoice};
use paytrack::domain::business::BusinessInput;
use paytrack::domain::client::ClientInput;
use paytrack::domain::invoice_draft::InvoiceInput;
use serde_json::Value;

use crate::common::billing::{User, invoice_input};
use crate::common::pdf::pdf_text_of;
use crate::common::{config_with, leptos_options, spawn_app};

pub(crate) fn business() -> BusinessInput {
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
    pub(crate) async fn save_business(&self, input: BusinessInput) -> BusinessSave {
        self.ok(&SaveBusiness { input }).await
    }

    /// A client in `country` with a tax number; returns its id.
    pub(crate) async fn business_client(&self, name: &str, country: &str) -> String {
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
    pub(crate) async fn pdf_text(&self, path: &str) -> String {
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
async fn new_invoices_start_with_the_default_taxes_and_notes() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    ada.save_business(business()).await;
    let context = ada
        .call_form(&paytrack::api::invoices::LoadEditorContext {
            client: String::new(),
        })
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
