//! The client list in pages, and the invoice editor's picker and the invoice list's client
//! filter for someone with more clients than they list at once.

use paytrack::api::clients::{ClientChoice, ClientNames, ClientPage, ImportClients, ListClients};
use paytrack::api::invoices::{EditorContext, LoadEditorContext};
use paytrack::domain::invoice_draft::InvoiceInput;
use paytrack::domain::money::{Currency, Money};
use paytrack::domain::owing::Owing;

use crate::common::billing::{User, invoice_input};
use crate::common::spawn_app;

/// Imports clients named `prefix 000`, `prefix 001`, … (numbered from `from`).
async fn import(user: &User<'_>, prefix: &str, from: usize, count: usize) {
    let mut csv = String::from("name,email\n");
    for n in from..from + count {
        csv.push_str(&format!("{prefix} {n:03},{prefix}{n}@clients.test\n").to_lowercase());
    }
    assert_eq!(user.ok(&ImportClients { csv }).await, count);
}

async fn page(user: &User<'_>, search: &str, after: &str) -> ClientPage {
    user.ok_form(&ListClients {
        search: search.to_string(),
        include_archived: false,
        after: after.to_string(),
    })
    .await
}

fn names(page: &ClientPage) -> Vec<String> {
    page.clients.iter().map(|c| c.name.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_comes_in_pages_of_fifty_by_name_each_client_once() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    import(&ada, "Client", 0, 250).await;

    let mut seen = Vec::new();
    let mut after = String::new();
    let mut sizes = Vec::new();
    loop {
        let page = page(&ada, "", &after).await;
        sizes.push(page.clients.len());
        assert_eq!(page.archived_hidden, 0);
        seen.extend(names(&page));
        match page.next {
            Some(next) => after = next,
            None => break,
        }
    }
    assert_eq!(sizes, [50, 50, 50, 50, 50]);
    let expected: Vec<String> = (0..250).map(|n| format!("client {n:03}")).collect();
    assert_eq!(seen, expected, "every client once, by name");

    // A search pages the same way, and a full last page offers no empty one after it.
    let first = page(&ada, "CLIENT", "").await;
    let next = first.next.expect("more than a page matches 'client'");
    let second = page(&ada, "CLIENT", &next).await;
    assert_eq!(second.clients[0].name, "client 050");
    let matched = page(&ada, "client 2", "").await;
    assert_eq!(matched.clients.len(), 50, "client 200 to 249");
    assert_eq!(matched.next, None);

    // A cursor PayTrack did not make is refused in words, and lists nothing.
    for forged in ["not-a-cursor", "zzz:client 001", "{\"$gt\":\"\"}"] {
        let refused = ada
            .call_form(&ListClients {
                search: String::new(),
                include_archived: false,
                after: forged.to_string(),
            })
            .await;
        assert_eq!(refused.status, 400, "{forged}: {}", refused.body);
        assert!(
            refused
                .body
                .to_string()
                .contains("page link is out of date"),
            "{}",
            refused.body
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_editor_lists_a_thousand_clients_says_there_are_more_and_offers_the_one_asked_for() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    import(&ada, "Client", 0, 1000).await;
    let editor = |client: String| LoadEditorContext { client };

    let context: EditorContext = ada.ok_form(&editor(String::new())).await;
    assert_eq!(context.clients.len(), 1000);
    assert!(!context.more_clients, "exactly a thousand fit");

    import(&ada, "Zed", 0, 2).await;
    let context: EditorContext = ada.ok_form(&editor(String::new())).await;
    assert_eq!(context.clients.len(), 1000);
    assert!(context.more_clients);
    assert!(context.clients.iter().all(|c| c.name.starts_with("client")));

    // A client's page asks for one past the thousand: it is offered, where its name sorts.
    let zed = page(&ada, "zed 001", "").await.clients[0].id.clone();
    let context: EditorContext = ada.ok_form(&editor(zed.clone())).await;
    assert_eq!(context.clients.len(), 1001);
    assert_eq!(context.clients.last().map(|c| &c.id), Some(&zed));

    // The invoice list's client filter names a thousand too, and the one it is filtered by.
    let filter = |client: &str| ClientNames {
        client: client.to_string(),
    };
    let named: Vec<ClientChoice> = ada.ok_form(&filter("")).await;
    assert_eq!(named.len(), 1000);
    assert!(named.iter().all(|c| c.id != zed));
    let named: Vec<ClientChoice> = ada.ok_form(&filter(&zed)).await;
    assert_eq!(named.len(), 1001);
    assert_eq!(named.last().map(|c| &c.id), Some(&zed));

    // The picker's search finds the others (the editor asks the list for matches).
    assert_eq!(names(&page(&ada, "zed", "").await), ["zed 000", "zed 001"]);

    // Someone else's client id adds nothing, and an id that does not read is ignored.
    let bob = app.user("bob@example.com").await;
    let theirs: EditorContext = bob.ok_form(&editor(zed)).await;
    assert!(theirs.clients.is_empty() && !theirs.more_clients);
    let context: EditorContext = ada.ok_form(&editor("nonsense".to_string())).await;
    assert_eq!(context.clients.len(), 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_client_listed_says_what_they_owe_per_currency_and_whether_it_is_late() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    let acme = ada.client("Acme").await;
    let bolt = ada.client("Bolt").await;
    let calm = ada.client("Calm").await;

    // Acme: 201.56 USD due last January, 1.56 of it paid; 201.56 EUR due years from now.
    let (late, _) = ada.draft(&acme).await;
    assert_eq!(ada.send(&late).await.status, 200);
    assert_eq!(ada.pay(&late, "1.56").await.status, 200);
    let (later, _) = ada
        .draft_with(InvoiceInput {
            currency: "EUR".to_string(),
            issue_date: "2026-12-01".to_string(),
            due_date: "2030-01-01".to_string(),
            ..invoice_input(&acme)
        })
        .await;
    assert_eq!(ada.send(&later).await.status, 200);
    // Bolt paid in full; Calm has only a draft: neither owes anything.
    let (paid, _) = ada.draft(&bolt).await;
    assert_eq!(ada.send(&paid).await.status, 200);
    assert_eq!(ada.pay(&paid, "201.56").await.status, 200);
    ada.draft(&calm).await;

    let listed = page(&ada, "", "").await;
    assert_eq!(names(&listed), ["Acme", "Bolt", "Calm"]);
    assert_eq!(
        listed.owing,
        [(
            acme,
            Owing {
                owed: vec![
                    Money::from_minor(20156, Currency::EUR),
                    Money::from_minor(20000, Currency::USD),
                ],
                overdue: true,
            }
        )]
    );
    let bob = app.user("bob@example.com").await;
    assert_eq!(page(&bob, "", "").await.owing, []);
}
