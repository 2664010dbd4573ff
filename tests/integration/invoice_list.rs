//! The invoice list through its server function: filters, search, sorting, and pages that
//! follow each other in the database's order without gaps or repeats.

use std::collections::BTreeSet;

use mongodb::bson::{Document, doc};
use serde_json::json;

use crate::common::spawn_app;

/// The list page leaves its client filter's names to the browser, which reads them when the
/// filter is first reached; a view of one client's invoices comes with that client chosen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_page_names_clients_in_its_filter_only_for_one_clients_view() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let acme = ada.client("Acme Works").await;
    let initech = ada.client("Initech Labs").await;
    ada.draft(&acme).await;
    let page = |path: String| {
        let ada = &ada;
        async move {
            let response = ada.app.get_with_cookie(&path, &ada.cookie).await;
            assert_eq!(response.status(), 200, "{path}");
            response.text().await.unwrap()
        }
    };

    let plain = page("/invoices".to_string()).await;
    assert!(
        plain.contains("Acme Works"),
        "the draft's row names its client"
    );
    assert!(
        !plain.contains("Initech Labs") && !plain.contains(&initech),
        "no client the list doesn't show"
    );

    let one = page(format!("/invoices?client={initech}")).await;
    let chosen = format!(r#"<option value="{initech}" selected"#);
    assert!(one.contains(&chosen), "{chosen} in {one}");
    assert!(one.contains(&format!(r#"<option value="{acme}">Acme Works"#)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_filters_searches_sorts_and_pages() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let acme = ada.client("Acme").await;
    let globex = ada.client("Globex").await;
    let mut ids = Vec::new();
    for n in 0..7 {
        let client = if n % 2 == 0 { &acme } else { &globex };
        ids.push(ada.draft(client).await.0);
    }
    ada.send(&ids[0]).await;
    ada.send(&ids[1]).await;

    let list =
        |params: serde_json::Value| ada.json("/api/invoices/list", json!({ "params": params }));
    let params = |pairs: &[(&str, &str)]| {
        let mut value = json!({ "status": "", "client": "", "from": "", "to": "", "q": "", "sort": "", "dir": "", "after": "" });
        for (k, v) in pairs {
            value[*k] = json!(v);
        }
        value
    };

    let all = list(params(&[])).await;
    let numbers: Vec<&str> = all.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers[0], "INV-0007", "newest number first");
    assert_eq!(numbers.len(), 7);

    let outstanding = list(params(&[("status", "outstanding")])).await;
    assert_eq!(outstanding.body["rows"].as_array().unwrap().len(), 2);
    // Due 2026-01-31, so both sent invoices are overdue today.
    let overdue = list(params(&[("status", "overdue")])).await;
    assert_eq!(overdue.body["rows"].as_array().unwrap().len(), 2);
    assert_eq!(overdue.body["rows"][0]["overdue"], true);

    let globex_only = list(params(&[("client", &globex)])).await;
    assert_eq!(globex_only.body["rows"].as_array().unwrap().len(), 3);
    let searched = list(params(&[("q", "GLOB")])).await;
    assert_eq!(searched.body["rows"].as_array().unwrap().len(), 3);
    let by_number = list(params(&[("q", "inv-0005")])).await;
    assert_eq!(by_number.body["rows"][0]["number"], "INV-0005");
    let regex_chars = list(params(&[("q", ".*")])).await;
    assert_eq!(
        regex_chars.body["rows"].as_array().unwrap().len(),
        0,
        "search is literal"
    );

    let in_january = list(params(&[("from", "2026-01-01"), ("to", "2026-01-31")])).await;
    assert_eq!(in_january.body["rows"].as_array().unwrap().len(), 7);
    let in_2025 = list(params(&[("from", "2025-01-01"), ("to", "2025-12-31")])).await;
    assert_eq!(in_2025.body["rows"].as_array().unwrap().len(), 0);
    for sort in ["due", "issued", "total"] {
        let sorted = list(params(&[("sort", sort)])).await;
        assert_eq!(
            sorted.body["rows"].as_array().unwrap().len(),
            7,
            "sorted by {sort}"
        );
    }
    let drafts_of_acme = list(params(&[("status", "draft"), ("client", &acme)])).await;
    assert_eq!(drafts_of_acme.body["rows"].as_array().unwrap().len(), 3);

    let by_client = list(params(&[("sort", "client"), ("dir", "asc")])).await;
    assert_eq!(by_client.body["rows"][0]["client_name"], "Acme");
    assert_eq!(by_client.body["rows"][6]["client_name"], "Globex");

    // Paging by cursor visits every invoice once, in order (50 per page; use the filter to
    // make pages by hand would need 51+ invoices, so check the cursor on a sorted page).
    let first_page = list(params(&[])).await;
    assert!(first_page.body["next"].is_null());

    let bad_cursor = list(params(&[("after", "nonsense")])).await;
    assert_eq!(bad_cursor.status, 400);
    let bad_status = list(params(&[("status", "late")])).await;
    assert_eq!(bad_status.status, 422);
    assert!(
        bad_status.body["Rejected"]
            .as_str()
            .unwrap()
            .contains("late")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_follow_each_other_without_gaps_or_repeats() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let client = ada.client("Acme").await;
    for _ in 0..120 {
        ada.draft(&client).await;
    }
    let (seen, _) = ada.every_page(&[("sort", "total"), ("dir", "asc")]).await;
    assert_eq!(seen.len(), 120);
    assert_eq!(seen.iter().collect::<BTreeSet<_>>().len(), 120);
}

/// Filtered lists are read through one part of the filter (a client, a status, a range of
/// issue dates) with the rest and the page's cursor checked on what was read; outstanding and
/// overdue invoices span two statuses. Every sort, both ways, across pages, with ties, must come
/// out as the database itself orders the whole filter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filtered_pages_come_out_in_the_databases_order() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let clients = [
        ada.client("Acme").await,
        ada.client("bertha").await,
        ada.client("Zed").await,
    ];
    for i in 0..130 {
        ada.draft(&clients[i % 3]).await;
    }
    // Statuses, issue and due dates (a few due next year, so not overdue) and totals with many
    // ties.
    let invoices = app.db.collection::<Document>("invoices");
    for n in 1..=130_i64 {
        let status = match n % 5 {
            0 => "Paid",
            1 | 3 => "PartiallyPaid",
            _ => "Open",
        };
        let due = if n % 11 == 0 {
            format!("2027-01-{:02}", 1 + n % 3)
        } else {
            format!("2026-0{}-{:02}", 1 + n % 4, 1 + n % 7)
        };
        let issued = format!("2026-0{}-01", 1 + n % 3);
        invoices
            .update_one(
                doc! { "sequence": n },
                doc! { "$set": { "status": status, "issue_date": issued, "due_date": due, "total_minor": (n % 4) * 100 } },
            )
            .await
            .unwrap();
    }
    let acme = mongodb::bson::oid::ObjectId::parse_str(&clients[0]).unwrap();
    let open = || doc! { "$in": ["Open", "PartiallyPaid"] };
    let cases = [
        (vec![("status", "outstanding")], doc! { "status": open() }),
        (
            vec![("status", "overdue")],
            doc! { "status": open(), "due_date": { "$lt": "2026-12-01" } },
        ),
        (
            vec![("status", "overdue"), ("from", "2026-02-01")],
            doc! { "status": open(), "due_date": { "$lt": "2026-12-01" }, "issue_date": { "$gte": "2026-02-01" } },
        ),
        (
            vec![("from", "2026-01-01"), ("to", "2026-02-28")],
            doc! { "issue_date": { "$gte": "2026-01-01", "$lte": "2026-02-28" } },
        ),
        (
            vec![("status", "paid"), ("to", "2026-02-28")],
            doc! { "status": "Paid", "issue_date": { "$lte": "2026-02-28" } },
        ),
        (
            vec![("status", "outstanding"), ("client", clients[0].as_str())],
            doc! { "status": open(), "client_id": acme },
        ),
    ];
    for (params, filter) in &cases {
        for (sort, field) in [
            ("number", "sequence"),
            ("client", "client_sort"),
            ("issued", "issue_date"),
            ("due", "due_date"),
            ("total", "total_minor"),
        ] {
            for (dir, direction) in [("asc", 1), ("desc", -1)] {
                let expected = numbers_in_order(
                    &invoices,
                    filter.clone(),
                    doc! { field: direction, "_id": direction },
                )
                .await;
                let mut asked = params.clone();
                asked.extend([("sort", sort), ("dir", dir)]);
                let (seen, pages) = ada.every_page(&asked).await;
                assert_eq!(
                    pages,
                    expected.len().div_ceil(50).max(1),
                    "{params:?} by {sort}"
                );
                assert_eq!(seen, expected, "{params:?} by {sort} {dir}");
            }
        }
    }
}

/// The unfiltered list by number is read in windows of numbers; gaps in the numbers (deleted
/// drafts) and numbers above the owner's counter (imported books) must still list every invoice
/// once, in order, both ways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_by_number_crosses_gaps_and_numbers_beyond_the_counter() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let client = ada.client("Acme").await;
    for _ in 0..130 {
        ada.draft(&client).await;
    }
    let invoices = app.db.collection::<Document>("invoices");
    invoices
        .delete_many(doc! { "sequence": { "$gte": 40_i64, "$lte": 100_i64 } })
        .await
        .unwrap();
    for n in 1..=5_i64 {
        invoices
            .update_one(
                doc! { "sequence": n },
                doc! { "$set": { "sequence": 10_000 + n, "number": format!("IMP-{n}") } },
            )
            .await
            .unwrap();
    }
    let expected = numbers_in_order(&invoices, doc! {}, doc! { "sequence": 1 }).await;
    assert_eq!(expected.len(), 69);

    for dir in ["asc", "desc"] {
        let (seen, pages) = ada.every_page(&[("dir", dir)]).await;
        let mut want = expected.clone();
        if dir == "desc" {
            want.reverse();
        }
        assert_eq!(seen, want, "{dir}");
        assert_eq!(pages, 2, "{dir}: 50 rows, then 19");
    }
}

/// The numbers of the stored invoices matching `filter`, in the order `sort` gives them.
async fn numbers_in_order(
    invoices: &mongodb::Collection<Document>,
    filter: Document,
    sort: Document,
) -> Vec<String> {
    let mut stored = invoices.find(filter).sort(sort).await.unwrap();
    let mut numbers = Vec::new();
    while stored.advance().await.unwrap() {
        numbers.push(stored.current().get_str("number").unwrap().to_string());
    }
    numbers
}
