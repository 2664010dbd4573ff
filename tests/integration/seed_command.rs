//! `paytrack seed`: a demo account that then works like any other.

use mongodb::bson::{Document, doc};

use crate::common::spawn_app;

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
        .body["clients"][0]["id"]
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
