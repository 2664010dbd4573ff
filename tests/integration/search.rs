//! Searching the invoice list: what was typed is found anywhere in the number, the client's
//! name or company, in any case, literally, within every filter and across pages, and only
//! among the user's own invoices. Searches of three characters or more are read through the
//! pieces each invoice keeps (`db::invoices::search`), so invoices written before those were
//! kept get theirs from a migration.

use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Document, doc};
use paytrack::api::clients::UpdateClient;
use paytrack::server::db::invoices::keep_pieces_of_older;

use crate::common::billing::{User, client_input};
use crate::common::{TestApp, rerun_migration, spawn_app};

const CLIENTS: [(&str, &str); 5] = [
    ("Ada Lovelace", "Analytical Engines"),
    // Holds the pieces of "acel" ("ace", "cel") but not "acel" itself.
    ("Grace Celsius", ""),
    ("Wallace", ""),
    ("Zoë Lovejoy", ""),
    ("Bob", ""),
];

/// 130 invoices of `user` across the clients, with all four statuses and due dates either side
/// of today; the clients' ids.
async fn book(app: &TestApp, user: &User<'_>) -> Vec<String> {
    let mut clients = Vec::new();
    for (i, (name, company)) in CLIENTS.into_iter().enumerate() {
        let mut input = client_input(name);
        input.company = company.to_string();
        input.emails = format!("client{i}@client.test");
        clients.push(user.client_with(input).await);
    }
    for i in 0..130 {
        user.draft(&clients[i % clients.len()]).await;
    }
    let invoices = app.db.collection::<Document>("invoices");
    for n in 1..=130_i64 {
        let status = ["Draft", "Open", "PartiallyPaid", "Paid", "Void"][(n % 5) as usize];
        let due = if n % 3 == 0 {
            "2027-03-01"
        } else {
            "2026-02-01"
        };
        invoices
            .update_one(
                doc! { "sequence": n },
                doc! { "$set": { "status": status, "due_date": due } },
            )
            .await
            .unwrap();
    }
    clients
}

/// The numbers of `owner`'s invoices matching `status`, in the order `sort` (field, direction)
/// puts them, whose search text holds `typed` in any case.
async fn expected(
    app: &TestApp,
    owner: &Document,
    status: Document,
    sort: (&str, i32),
    typed: &str,
) -> Vec<String> {
    let mut filter = status;
    filter.insert("user_id", owner.get_object_id("_id").unwrap());
    let mut stored = app
        .db
        .collection::<Document>("invoices")
        .find(filter)
        .sort(doc! { sort.0: sort.1, "_id": sort.1 })
        .await
        .unwrap();
    let typed = typed.to_lowercase();
    let mut numbers = Vec::new();
    while stored.advance().await.unwrap() {
        let invoice = stored.current();
        if invoice.get_str("search").unwrap().contains(&typed) {
            numbers.push(invoice.get_str("number").unwrap().to_string());
        }
    }
    numbers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_finds_what_was_typed_anywhere_within_every_filter_and_page() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let clients = book(&app, &ada).await;
    // Another user's book with the same names stays out of Ada's searches.
    let bo = app.user("bo@example.test").await;
    let bos_lovelace = bo.client("Ada Lovelace").await;
    for _ in 0..3 {
        bo.draft(&bos_lovelace).await;
    }
    let owner = app.user_document("ada@example.test").await;
    let open = || doc! { "$in": ["Open", "PartiallyPaid"] };
    let statuses = [
        ("", doc! {}),
        ("draft", doc! { "status": "Draft" }),
        ("outstanding", doc! { "status": open() }),
        (
            "overdue",
            doc! { "status": open(), "due_date": { "$lt": "2026-12-01" } },
        ),
        ("paid", doc! { "status": "Paid" }),
    ];
    let searches = [
        "lovelace", "OVELA", "ace", "acel", "lo", "e", "inv-01", "a l", "zoë", "engines", ".*",
    ];
    let mut found_across_pages = false;
    let lovelace = ObjectId::parse_str(&clients[0]).unwrap();
    for typed in searches {
        for (status, filter) in &statuses {
            for (sort, order) in [("", ("sequence", -1)), ("due", ("due_date", 1))] {
                let want = expected(&app, &owner, filter.clone(), order, typed).await;
                let (seen, pages) = ada
                    .every_page(&[("status", *status), ("q", typed), ("sort", sort)])
                    .await;
                assert_eq!(seen, want, "{typed:?} in {status:?} by {sort:?}");
                found_across_pages |= pages > 1;
            }
            let mut of_client = filter.clone();
            of_client.insert("client_id", lovelace);
            let want = expected(&app, &owner, of_client, ("sequence", -1), typed).await;
            let (seen, _) = ada
                .every_page(&[("status", *status), ("q", typed), ("client", &clients[0])])
                .await;
            assert_eq!(seen, want, "{typed:?} in {status:?} of one client");
        }
    }
    assert!(found_across_pages, "some search spans pages");
    // The oracle is not empty-handed: these searches do find invoices, and mid-word.
    let (lovelace, _) = ada.every_page(&[("q", "velac")]).await;
    assert_eq!(lovelace.len(), 26);
    let (pieces_only, _) = ada.every_page(&[("q", "acel")]).await;
    assert!(pieces_only.is_empty(), "{pieces_only:?}");
    let (numbered, _) = ada.every_page(&[("q", "INV-0042")]).await;
    assert_eq!(numbered, ["INV-0042"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renamed_client_is_found_by_the_new_name_on_its_drafts() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let bob = ada.client("Bob").await;
    let (draft, _) = ada.draft(&bob).await;
    let (sent, _) = ada.draft(&bob).await;
    ada.send(&sent).await;
    let mut input = client_input("Bobby Tables");
    input.company = "Little Schools".to_string();
    let saved = ada
        .call(&UpdateClient {
            id: bob.clone(),
            input,
        })
        .await;
    assert_eq!(saved.body["Saved"]["name"], "Bobby Tables");

    let numbered = |id: &str| {
        let id = id.to_string();
        let ada = &ada;
        async move { ada.invoice(&id).await.body["document"]["number"].clone() }
    };
    let (tables, _) = ada.every_page(&[("q", "tables")]).await;
    assert_eq!(tables, [numbered(&draft).await.as_str().unwrap()]);
    let (schools, _) = ada.every_page(&[("q", "schools")]).await;
    assert_eq!(schools, tables);
    // The sent invoice is a document as sent: still found by the name it was sent to.
    let (bob_only, _) = ada
        .every_page(&[("q", "bob"), ("status", "outstanding")])
        .await;
    assert_eq!(bob_only, [numbered(&sent).await.as_str().unwrap()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoices_written_before_pieces_were_kept_are_found_after_the_migration() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let acme = ada.client("Acme Rockets").await;
    for _ in 0..4 {
        ada.draft(&acme).await;
    }
    let invoices = app.db.collection::<Document>("invoices");
    invoices
        .update_many(doc! {}, doc! { "$unset": { "search_grams": "" } })
        .await
        .unwrap();
    let (before, _) = ada.every_page(&[("q", "rockets")]).await;
    assert!(before.is_empty(), "read through the pieces: {before:?}");

    rerun_migration(&app, "2026-12-search-pieces").await;
    let (after, _) = ada.every_page(&[("q", "rockets")]).await;
    assert_eq!(after.len(), 4);
    assert_eq!(
        keep_pieces_of_older(&app.db).await.unwrap(),
        0,
        "nothing left to give"
    );
}
