//! The currency a new client starts in: the user's latest client's, else their business
//! country's, else their time zone's country's (test users sign in from Europe/Paris), for the
//! new-client form, a new invoice before a client is chosen, and imported rows without one.

use paytrack::api::business::{BusinessSave, SaveBusiness};
use paytrack::api::clients::{ImportClients, ListClients, NewClientForm};
use paytrack::api::invoices::LoadEditorContext;
use paytrack::domain::business::BusinessInput;
use paytrack::domain::client::ClientInput;

use crate::common::billing::{User, client_input};
use crate::common::spawn_app;

/// The currency the new-client form and the invoice editor start in.
async fn starts_in(user: &User<'_>) -> (String, String) {
    let form: ClientInput = user.ok_form(&NewClientForm {}).await;
    assert!(form.reminders && form.name.is_empty(), "{form:?}");
    let editor = user
        .call_form(&LoadEditorContext {
            client: String::new(),
        })
        .await;
    assert_eq!(editor.status, 200, "{}", editor.body);
    (
        form.currency,
        editor.body["currency"].as_str().unwrap().to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_client_starts_in_the_currency_the_user_works_in() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    let eur = ("EUR".to_string(), "EUR".to_string());
    assert_eq!(starts_in(&ada).await, eur, "Paris's time zone");

    let in_zurich = BusinessInput {
        country: "CH".to_string(),
        ..BusinessInput::default()
    };
    let saved = ada.ok(&SaveBusiness { input: in_zurich }).await;
    assert!(matches!(saved, BusinessSave::Saved(_)), "{saved:?}");
    let chf = ("CHF".to_string(), "CHF".to_string());
    assert_eq!(starts_in(&ada).await, chf, "the business's country");

    let british = ClientInput {
        currency: "GBP".to_string(),
        ..client_input("Londoner")
    };
    ada.client_with(british).await;
    let gbp = ("GBP".to_string(), "GBP".to_string());
    assert_eq!(starts_in(&ada).await, gbp, "the latest client's");

    // Another user's clients and business change nothing for Bob.
    let bob = app.user("bob@example.com").await;
    assert_eq!(starts_in(&bob).await, eur);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imported_clients_without_a_currency_take_their_countrys_else_the_usual_one() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    let csv = "Name;Email;Country\n\
               Hans;hans@client.test;DE\n\
               Jo;jo@client.test;\n\
               Sven;sven@client.test;se\n";
    assert_eq!(
        ada.ok(&ImportClients {
            csv: csv.to_string()
        })
        .await,
        3
    );
    let list = ListClients {
        search: String::new(),
        include_archived: true,
        after: String::new(),
    };
    let clients = ada.call_form(&list).await.body;
    let currency_of = |name: &str| {
        clients["clients"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .map(|c| c["currency"].as_str().unwrap().to_string())
    };
    assert_eq!(currency_of("Hans").as_deref(), Some("EUR"));
    assert_eq!(
        currency_of("Jo").as_deref(),
        Some("EUR"),
        "Paris's time zone"
    );
    assert_eq!(currency_of("Sven").as_deref(), Some("SEK"));
}
