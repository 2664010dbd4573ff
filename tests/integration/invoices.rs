//! Clients and invoices through their server functions: the life of an invoice, numbering
//! under concurrency, lists, and the dashboard's figures.

use std::collections::BTreeSet;

use mongodb::bson::{Document, doc};
use serde_json::json;

use crate::common::billing::invoice_input;
use crate::common::spawn_app;
use paytrack::api::clients::UpdateClient;
use paytrack::api::invoices::CreateInvoice;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invoice_goes_from_draft_to_paid_with_totals_from_the_domain() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let client = ada.client("Acme Buyer").await;
    let (id, number) = ada.draft(&client).await;
    assert_eq!(number, "INV-0001");

    let draft = ada.invoice(&id).await;
    assert_eq!(draft.status, 200, "{}", draft.body);
    let totals = &draft.body["document"]["totals"];
    assert_eq!(totals["subtotal"]["minor"], 21_329);
    assert_eq!(totals["discount"]["minor"], 2_133);
    assert_eq!(totals["tax"]["minor"], 960);
    assert_eq!(totals["total"]["minor"], 20_156);
    assert_eq!(draft.body["document"]["status"], "Draft");
    assert!(draft.body["public_url"].is_null());

    let early = ada.pay(&id, "10").await;
    assert_eq!(early.status, 422);
    assert!(
        early.body["Rejected"]
            .as_str()
            .unwrap()
            .contains("Send the invoice")
    );

    let sent = ada.send(&id).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(sent.body["document"]["status"], "Open");
    let link = sent.body["public_url"].as_str().unwrap().to_string();
    assert!(link.contains("/i/"), "{link}");
    let again = ada.send(&id).await;
    assert_eq!(again.status, 422);

    let too_much = ada.pay(&id, "201.57").await;
    assert!(
        too_much.body["Invalid"]["amount"]
            .as_str()
            .unwrap()
            .contains("$201.56"),
        "{}",
        too_much.body
    );
    let part = ada.pay(&id, "100").await;
    assert_eq!(part.body["Recorded"]["document"]["status"], "PartiallyPaid");
    assert_eq!(
        part.body["Recorded"]["document"]["totals"]["due"]["minor"],
        10_156
    );
    let rest = ada.pay(&id, "101.56").await;
    assert_eq!(rest.body["Recorded"]["document"]["status"], "Paid");
    assert_eq!(
        rest.body["Recorded"]["document"]["totals"]["due"]["minor"],
        0
    );
    assert_eq!(
        rest.body["Recorded"]["document"]["payments"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let void = ada.form("/api/invoices/void", &[("id", &id)]).await;
    assert_eq!(void.status, 422);
    assert!(void.body["Rejected"].as_str().unwrap().contains("paid"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_field_messages_and_saves_nothing() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let bad_client = ada
        .json(
            "/api/clients/create",
            json!({ "input": { "name": "", "emails": "not-an-email", "company": "", "address": "", "currency": "ZZZ", "notes": "", "reminders": true } }),
        )
        .await;
    assert_eq!(bad_client.status, 200);
    let errors = &bad_client.body["Invalid"];
    assert!(
        errors["name"].is_string()
            && errors["emails"].is_string()
            && errors["currency"].is_string()
    );

    let client = ada.client("Acme").await;
    let mut input = invoice_input(&client);
    input.lines[1].unit_price = "twelve".to_string();
    input.due_date = "2025-12-01".to_string();
    let bad = ada.call(&CreateInvoice { input }).await;
    assert_eq!(bad.status, 200, "{}", bad.body);
    assert!(
        bad.body["Invalid"]["lines"][1]["unit_price"]
            .as_str()
            .unwrap()
            .contains("twelve")
    );
    assert!(bad.body["Invalid"]["due_date"].is_string());

    let garbage = ada
        .json("/api/invoices/create", json!({ "nonsense": 1 }))
        .await;
    assert_eq!(garbage.status, 400, "{}", garbage.body);

    // More than the server reads (2 MB): said so, in words.
    let mut input = invoice_input(&client);
    input.notes = "n".repeat(2 * 1024 * 1024);
    let huge = ada.call(&CreateInvoice { input }).await;
    assert_eq!(huge.status, 400, "{}", huge.body);
    assert_eq!(
        huge.body["BadRequest"],
        "it is larger than the 2 MB PayTrack accepts."
    );

    assert_eq!(app.count("invoices", doc! {}).await, 0);
    assert_eq!(app.count("clients", doc! {}).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_creates_get_numbers_one_to_fifty() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let client = ada.client("Acme").await;
    let numbers = futures::future::join_all((0..50).map(|_| ada.draft(&client))).await;
    let numbers: BTreeSet<String> = numbers.into_iter().map(|(_, number)| number).collect();
    let expected: BTreeSet<String> = (1..=50).map(|n| format!("INV-{n:04}")).collect();
    assert_eq!(numbers, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_the_newest_draft_gives_its_number_back() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let client = ada.client("Acme").await;
    let (first, _) = ada.draft(&client).await;
    let (second, number) = ada.draft(&client).await;
    assert_eq!(number, "INV-0002");
    let deleted = ada.form("/api/invoices/delete", &[("id", &second)]).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(ada.draft(&client).await.1, "INV-0002");

    ada.send(&first).await;
    let refused = ada.form("/api/invoices/delete", &[("id", &first)]).await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body["Rejected"]
            .as_str()
            .unwrap()
            .contains("Void it")
    );
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_adds_up_outstanding_aging_and_cash() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let client = ada.client("Acme").await;
    let (paid, _) = ada.draft(&client).await;
    let (open, _) = ada.draft(&client).await;
    ada.send(&paid).await;
    ada.send(&open).await;
    ada.pay(&paid, "201.56").await;
    let today = ada.invoice(&open).await.body["today"]
        .as_str()
        .unwrap()
        .to_string();
    let this_month = ada
        .json(
            "/api/invoices/payment",
            json!({ "id": open, "payment": { "amount": "50", "date": today, "method": "cash" } }),
        )
        .await;
    assert_eq!(this_month.status, 200, "{}", this_month.body);

    let dashboard = ada.form("/api/dashboard", &[]).await;
    assert_eq!(dashboard.status, 200, "{}", dashboard.body);
    let usd = &dashboard.body["currencies"][0];
    assert_eq!(usd["currency"], "USD");
    assert_eq!(usd["outstanding"]["minor"], 15_156);
    assert_eq!(usd["overdue"]["minor"], 15_156, "due 2026-01-31");
    assert_eq!(usd["paid_this_month"]["minor"], 5_000);
    let collected: i64 = usd["collected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["minor"].as_i64().unwrap())
        .sum();
    assert!(collected >= 5_000);
    assert_eq!(dashboard.body["months"].as_array().unwrap().len(), 12);
    assert_eq!(dashboard.body["coming_due"][0]["id"], open);
    assert_eq!(dashboard.body["activity"][0]["what"], "Payment recorded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_link_shows_the_invoice_and_stops_working_when_replaced_or_voided() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let client = ada.client("Acme").await;
    let (id, _) = ada.draft(&client).await;
    let sent = ada.send(&id).await;
    let link = sent.body["public_url"].as_str().unwrap();
    let token = link.rsplit('/').next().unwrap().to_string();

    let app = &app;
    let public = |token: String| async move {
        app.call("/api/public/invoice", &[("token", &token)])
            .await
            .json::<serde_json::Value>()
            .await
            .unwrap()
    };
    let seen = public(token.clone()).await;
    assert_eq!(seen["number"], "INV-0001");
    assert_eq!(seen["totals"]["total"]["minor"], 20_156);
    assert!(seen.get("id").is_none() && seen.get("client_id").is_none());

    let replaced = ada.form("/api/invoices/new-link", &[("id", &id)]).await;
    let new_link = replaced.body["public_url"].as_str().unwrap().to_string();
    assert_ne!(new_link, link);
    assert!(
        public(token.clone()).await.is_null(),
        "the old link is dead"
    );
    let new_token = new_link.rsplit('/').next().unwrap().to_string();
    assert_eq!(public(new_token.clone()).await["number"], "INV-0001");

    // The page itself: 200 with the invoice, 404 for a dead link.
    let page = app
        .http
        .get(app.url(&format!("/i/{new_token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("INV-0001"));
    // Neither Stripe nor bank details: the client is told how to find out how to pay.
    assert!(
        html.contains("how to pay, reply to the email this invoice came with"),
        "{html}"
    );
    let dead = app
        .http
        .get(app.url(&format!("/i/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(dead.status(), 404);
    assert!(dead.text().await.unwrap().contains("any more"));

    ada.form("/api/invoices/void", &[("id", &id)]).await;
    assert!(
        public(new_token).await.is_null(),
        "void invoices have no public page"
    );
    assert!(public("x".repeat(43)).await.is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicating_keeps_the_lines_and_the_payment_terms() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let client = ada.client("Acme").await;
    let (id, _) = ada.draft(&client).await;
    let copy = ada.form("/api/invoices/duplicate", &[("id", &id)]).await;
    let copy_id = copy.body["Saved"]["id"].as_str().unwrap();
    assert_eq!(copy.body["Saved"]["number"], "INV-0002");
    let copy = ada.invoice(copy_id).await.body;
    assert_eq!(copy["document"]["lines"].as_array().unwrap().len(), 3);
    assert_eq!(copy["document"]["issue_date"], copy["today"]);
    assert_eq!(copy["document"]["totals"]["total"]["minor"], 20_156);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_a_client_readdresses_drafts_but_not_sent_invoices() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let client = ada.client("Acme").await;
    let (sent, _) = ada.draft(&client).await;
    let (draft, _) = ada.draft(&client).await;
    ada.send(&sent).await;
    let mut input = crate::common::billing::client_input("Acme Renamed");
    input.emails = "billing@acme.test".to_string();
    let id = client.clone();
    let saved = ada.call(&UpdateClient { id, input }).await;
    assert_eq!(saved.body["Saved"]["name"], "Acme Renamed");
    assert_eq!(
        ada.invoice(&draft).await.body["document"]["bill_to"]["name"],
        "Acme Renamed"
    );
    assert_eq!(
        ada.invoice(&sent).await.body["document"]["bill_to"]["name"],
        "Acme"
    );

    let archived = ada
        .form(
            "/api/clients/archive",
            &[("id", &client), ("archived", "true")],
        )
        .await;
    assert_eq!(archived.body["archived"], true);
    let listed = ada
        .form(
            "/api/clients/list",
            &[("search", ""), ("include_archived", "false")],
        )
        .await;
    assert_eq!(listed.body.as_array().unwrap().len(), 0);
    let input = invoice_input(&client);
    let refused = ada.call(&CreateInvoice { input }).await;
    assert!(
        refused.body["Invalid"]["client"]
            .as_str()
            .unwrap()
            .contains("archived")
    );

    let detail = ada.form("/api/clients/get", &[("id", &client)]).await;
    assert_eq!(detail.body["balances"][0]["minor"], 20_156);
    assert_eq!(detail.body["invoices"].as_array().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_command_fills_an_account_that_then_works_like_any_other() {
    use paytrack::domain::date::CalendarDate;
    use paytrack::server::seed::{SeedOptions, seed};

    let app = spawn_app().await;
    let options = SeedOptions::parse(&[
        "--email".into(),
        "demo@example.test".into(),
        "--clients".into(),
        "7".into(),
        "--invoices".into(),
        "300".into(),
    ])
    .unwrap();
    let today = CalendarDate::parse("2026-11-27").unwrap();
    assert_eq!(seed(&app.db, &options, today).await.unwrap(), (7, 300));

    let invoices = app.db.collection::<Document>("invoices");
    assert_eq!(app.count("invoices", doc! {}).await, 300);
    // Every stored figure agrees with the status it claims.
    let inconsistent = app
        .count(
            "invoices",
            doc! { "$or": [
                { "status": "Paid", "due_minor": { "$ne": 0 } },
                { "status": "Open", "paid_minor": { "$ne": 0 } },
                { "status": "Void", "paid_minor": { "$ne": 0 } },
                { "status": "PartiallyPaid", "paid_minor": 0 },
            ]},
        )
        .await;
    assert_eq!(inconsistent, 0);
    // Every open invoice has its next reminder planned, and nothing else has one.
    let open = app
        .count(
            "invoices",
            doc! { "status": { "$in": ["Open", "PartiallyPaid"] } },
        )
        .await;
    assert!(open > 0);
    let planned = app
        .db
        .collection::<Document>("email_jobs")
        .distinct("invoice_id", doc! { "state": "scheduled" })
        .await
        .unwrap();
    assert_eq!(planned.len() as u64, open);
    assert!(app.count("invoices", doc! { "status": "Paid" }).await > 100);

    // The history an account like this would have: each invoice created, the sent ones sent,
    // payments, payments in full and voids, each on its day.
    let app = &app;
    let count = |kind: &'static str| app.count("activity", doc! { "kind": kind });
    let status = |status: &'static str| app.count("invoices", doc! { "status": status });
    assert_eq!(count("Created").await, 300);
    assert_eq!(count("Sent").await, 300 - status("Draft").await);
    assert_eq!(count("Paid").await, status("Paid").await);
    assert_eq!(count("Voided").await, status("Void").await);
    assert_eq!(
        count("PaymentRecorded").await,
        status("Paid").await + status("PartiallyPaid").await
    );
    // What is owed per due date is what the open invoices add up to.
    let owner = invoices
        .find_one(doc! {})
        .await
        .unwrap()
        .unwrap()
        .get_object_id("user_id")
        .unwrap();
    let (kept, summed) = crate::common::owed_kept_and_summed(&app.db, owner).await;
    assert!(!kept.is_empty());
    assert_eq!(kept, summed);

    let demo = app.user("demo@example.test").await;
    let dashboard = demo.form("/api/dashboard", &[]).await;
    assert_eq!(dashboard.status, 200, "{}", dashboard.body);
    assert!(!dashboard.body["currencies"].as_array().unwrap().is_empty());
    assert_eq!(dashboard.body["activity"].as_array().unwrap().len(), 10);
    assert_eq!(dashboard.body["coming_due"].as_array().unwrap().len(), 6);
    let client = demo
        .form(
            "/api/clients/list",
            &[("search", ""), ("include_archived", "false")],
        )
        .await
        .body[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        demo.draft(&client).await.1,
        "INV-0301",
        "numbering continues after the seed"
    );

    assert!(
        SeedOptions::parse(&["--invoices".into(), "lots".into()])
            .unwrap_err()
            .contains("lots")
    );
    assert!(SeedOptions::parse(&["--colour".into(), "red".into()]).is_err());
}
