//! Spreadsheets: the CSV downloads (the invoice list with its filters, the clients), quoted so
//! any spreadsheet reads them back and holding only the asker's own records, and the client
//! import with its preview.

use mongodb::bson::doc;
use paytrack::api::clients::{ClientSave, CreateClient};
use paytrack::domain::client::ClientInput;

use crate::common::billing::{User, client_input, invoice_input};
use crate::common::sheets::{column, rows};
use crate::common::spawn_app;

async fn client_count(user: &User<'_>) -> usize {
    let list = paytrack::api::clients::ListClients {
        search: String::new(),
        include_archived: true,
        after: String::new(),
    };
    let answer = user.call_form(&list).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["clients"].as_array().unwrap().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_invoice_export_follows_the_lists_filters_with_decimal_amounts() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    let input = ClientInput {
        name: "Acme, \"The\" Company".to_string(),
        company: "=HYPERLINK(\"http://evil\")".to_string(),
        address: "1 Road\nLondon".to_string(),
        ..client_input("Acme")
    };
    let ClientSave::Saved(acme) = ada.ok(&CreateClient { input }).await else {
        panic!("client saved");
    };
    let (sent, sent_number) = ada.draft(&acme.id).await;
    assert_eq!(ada.send(&sent).await.status, 200);
    let mut yen = invoice_input(&acme.id);
    yen.currency = "JPY".to_string();
    yen.lines.truncate(1);
    yen.lines[0].unit_price = "1000".to_string();
    let (_, draft_number) = ada.draft_with(yen).await;

    let all = rows(&ada, "/invoices/export.csv").await;
    assert_eq!(all[0][0], "number");
    assert_eq!(all.len(), 3, "a header and two invoices: {all:?}");
    let numbers = column(&all, "number");
    assert!(numbers.contains(&sent_number) && numbers.contains(&draft_number));
    let at = |number: &str, name: &str| {
        let row = numbers.iter().position(|n| n == number).unwrap();
        column(&all, name)[row].clone()
    };
    // 213.29 − 10% + 5% tax, as a decimal, with its currency beside it.
    assert_eq!(at(&sent_number, "total"), "201.56");
    assert_eq!(at(&sent_number, "tax"), "9.60");
    assert_eq!(at(&sent_number, "currency"), "USD");
    assert_eq!(at(&sent_number, "status"), "Open");
    assert_eq!(at(&sent_number, "issue_date"), "2026-01-01");
    assert_eq!(at(&sent_number, "due_date"), "2026-01-31");
    assert_eq!(at(&sent_number, "client"), "Acme, \"The\" Company");
    // A name a spreadsheet would run as a formula stays text.
    assert_eq!(at(&sent_number, "company"), "'=HYPERLINK(\"http://evil\")");
    assert!(!at(&sent_number, "sent_on").is_empty());
    // Yen have no decimals.
    // 2.5 × ¥1,000 − 10% = ¥2,250; 5% = ¥112.5 → ¥113.
    assert_eq!(at(&draft_number, "total"), "2363");
    assert_eq!(at(&draft_number, "currency"), "JPY");

    // The list's filters apply.
    let drafts = rows(&ada, "/invoices/export.csv?status=draft").await;
    assert_eq!(
        column(&drafts, "number"),
        std::slice::from_ref(&draft_number)
    );
    let searched = rows(&ada, &format!("/invoices/export.csv?q={sent_number}")).await;
    assert_eq!(
        column(&searched, "number"),
        std::slice::from_ref(&sent_number)
    );
    let refused = app
        .get_with_cookie("/invoices/export.csv?status=nonsense", &ada.cookie)
        .await;
    assert_eq!(refused.status(), 400);
    assert!(refused.text().await.unwrap().contains("nonsense"));

    // Another user's export holds nothing of Ada's; no session, no file.
    let grace = app.user("grace@example.com").await;
    let theirs = rows(&grace, "/invoices/export.csv").await;
    assert_eq!(theirs.len(), 1, "only the header");
    let signed_out = app
        .http
        .get(app.url("/invoices/export.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), 303);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_export_lists_every_client_and_only_the_askers() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    let input = ClientInput {
        name: "Zoë \"Z\" Ångström".to_string(),
        emails: "zoe@client.example, accounts@client.example".to_string(),
        address: "Storgatan 1\n111 22 Stockholm".to_string(),
        country: "SE".to_string(),
        tax_id: "SE556677889901".to_string(),
        ..client_input("Zoe")
    };
    ada.ok(&CreateClient { input }).await;
    ada.client("Bob").await;

    let all = rows(&ada, "/clients/export.csv").await;
    assert_eq!(all.len(), 3, "{all:?}");
    let names = column(&all, "name");
    let zoe = names
        .iter()
        .position(|n| n == "Zoë \"Z\" Ångström")
        .unwrap();
    assert_eq!(
        column(&all, "emails")[zoe],
        "zoe@client.example, accounts@client.example"
    );
    assert_eq!(
        column(&all, "address")[zoe],
        "Storgatan 1\n111 22 Stockholm"
    );
    assert_eq!(column(&all, "country")[zoe], "SE");
    assert_eq!(column(&all, "tax_id")[zoe], "SE556677889901");

    let grace = app.user("grace@example.com").await;
    let theirs = rows(&grace, "/clients/export.csv").await;
    assert_eq!(theirs.len(), 1, "only the header");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_import_is_previewed_row_by_row_and_adds_only_new_valid_clients() {
    use paytrack::api::clients::{ImportClients, PreviewClientImport};
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    ada.client("Acme").await;
    let csv = "Name,Email,Company,Country,Currency\n\
               Zoë,zoe@client.test,,SE,EUR\n\
               Acme again,ACME@client.test,,,\n\
               Broken,not-an-email,,,\n\
               Zoë twice,zoe@client.test,,,\n\
               Nowhere,n@client.test,,XX,\n";

    let preview = ada
        .ok(&PreviewClientImport {
            csv: csv.to_string(),
        })
        .await;
    assert_eq!(preview.len(), 5);
    assert_eq!((preview[0].line, preview[0].problem.as_deref()), (2, None));
    assert_eq!(preview[0].duplicate_of, None);
    assert_eq!(preview[1].duplicate_of.as_deref(), Some("acme@client.test"));
    assert!(
        preview[2]
            .problem
            .as_deref()
            .unwrap()
            .contains("not-an-email")
    );
    assert_eq!(preview[3].duplicate_of.as_deref(), Some("zoe@client.test"));
    assert!(preview[4].problem.as_deref().unwrap().contains("XX"));
    assert_eq!(client_count(&ada).await, 1, "a preview saves nothing");

    let added = ada
        .ok(&ImportClients {
            csv: csv.to_string(),
        })
        .await;
    assert_eq!(added, 1);
    assert_eq!(client_count(&ada).await, 2);
    let again = ada
        .ok(&ImportClients {
            csv: csv.to_string(),
        })
        .await;
    assert_eq!(again, 0, "importing the same file twice adds nothing");

    // Ada's export imports as it is into another account, where none of it is a duplicate.
    let export = ada
        .app
        .get_with_cookie("/clients/export.csv", &ada.cookie)
        .await;
    let export = export.text().await.unwrap();
    let grace = app.user("grace@example.com").await;
    let theirs = grace
        .ok(&PreviewClientImport {
            csv: export.clone(),
        })
        .await;
    assert!(
        theirs
            .iter()
            .all(|r| r.problem.is_none() && r.duplicate_of.is_none())
    );
    assert_eq!(grace.ok(&ImportClients { csv: export }).await, 2);

    // A spreadsheet saved where the comma is the decimal mark separates with semicolons.
    let semicolons = "Name;Email;Address;Currency\n\
                      \"Dupont; fils\";compta@dupont.test;\"1, rue de la Paix\nParis\";EUR\n";
    let added = grace
        .ok(&ImportClients {
            csv: semicolons.to_string(),
        })
        .await;
    assert_eq!(added, 1);
    let dupont = doc! { "name": "Dupont; fils", "address": "1, rue de la Paix\nParis" };
    assert_eq!(app.count("clients", dupont).await, 1);

    // A file that is not a client list is refused with why.
    let refused = ada
        .call(&PreviewClientImport {
            csv: "phone\n123\n".to_string(),
        })
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.to_string().contains("“name”"));
}
