//! What the dashboard's "collected" chart reads: per user, currency and month, kept in the same
//! transaction as each payment, and summed once from older payments by a migration.

use mongodb::bson::{Document, doc};
use serde_json::json;

use crate::common::billing::{User, client_input, invoice_input};
use crate::common::{rerun_migration, spawn_app};

/// Records a payment of `amount` dated `date` on invoice `id`.
async fn pay_on(user: &User<'_>, id: &str, amount: &str, date: &str) {
    let paid = user
        .json(
            "/api/invoices/payment",
            json!({ "id": id, "payment": { "amount": amount, "date": date, "method": "bank_transfer" } }),
        )
        .await;
    assert_eq!(paid.status, 200, "{}", paid.body);
}

/// A sent invoice for a new client in `currency`.
async fn sent_in(user: &User<'_>, name: &str, currency: &str) -> String {
    let mut client = client_input(name);
    client.currency = currency.to_string();
    let client = match user
        .ok(&paytrack::api::clients::CreateClient { input: client })
        .await
    {
        paytrack::api::clients::ClientSave::Saved(summary) => summary.id,
        other => panic!("client refused: {other:?}"),
    };
    let mut input = invoice_input(&client);
    input.currency = currency.to_string();
    let (id, _) = user.draft_with(input).await;
    assert_eq!(user.send(&id).await.status, 200);
    id
}

/// The dashboard's collected figures: currency → minor units per month, oldest first.
async fn collected(user: &User<'_>) -> (Vec<String>, Vec<(String, Vec<i64>)>) {
    let dashboard = user.form("/api/dashboard", &[]).await;
    assert_eq!(dashboard.status, 200, "{}", dashboard.body);
    let months = dashboard.body["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_string())
        .collect();
    let currencies = dashboard.body["currencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let minor = c["collected"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["minor"].as_i64().unwrap())
                .collect();
            (c["currency"].as_str().unwrap().to_string(), minor)
        })
        .collect();
    (months, currencies)
}

fn last_two(figures: &[(String, Vec<i64>)], currency: &str) -> (i64, i64) {
    let (_, months) = figures.iter().find(|(c, _)| c == currency).unwrap();
    (months[10], months[11])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_payment_adds_to_its_month_and_currency_for_its_owner_only() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let bob = app.user("bob@example.test").await;
    let (months, before) = collected(&ada).await;
    assert!(before.is_empty(), "nothing collected yet: {before:?}");
    let (last_month, this_month) = (&months[10], &months[11]);

    let usd = sent_in(&ada, "Acme", "USD").await;
    let eur = sent_in(&ada, "Bertha", "EUR").await;
    pay_on(&ada, &usd, "20", &format!("{last_month}-15")).await;
    pay_on(&ada, &usd, "50.25", &format!("{this_month}-01")).await;
    pay_on(&ada, &usd, "0.75", &format!("{this_month}-01")).await;
    pay_on(&ada, &eur, "100", &format!("{last_month}-28")).await;

    let (_, figures) = collected(&ada).await;
    assert_eq!(last_two(&figures, "USD"), (2_000, 5_100));
    assert_eq!(last_two(&figures, "EUR"), (10_000, 0));
    assert_eq!(app.count("collected_monthly", doc! {}).await, 3);

    // Another user's payments are theirs alone.
    let (_, bobs) = collected(&bob).await;
    assert!(bobs.is_empty(), "{bobs:?}");
    let bobs_invoice = sent_in(&bob, "Carol", "USD").await;
    pay_on(&bob, &bobs_invoice, "7", &format!("{this_month}-01")).await;
    assert_eq!(last_two(&collected(&bob).await.1, "USD"), (0, 700));
    assert_eq!(last_two(&collected(&ada).await.1, "USD"), (2_000, 5_100));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payments_recorded_before_months_were_kept_are_summed_at_the_next_start() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let (months, _) = collected(&ada).await;
    let usd = sent_in(&ada, "Acme", "USD").await;
    pay_on(&ada, &usd, "20", &format!("{}-15", months[10])).await;
    pay_on(&ada, &usd, "30", &format!("{}-02", months[11])).await;
    let (_, kept) = collected(&ada).await;

    // As a book from before the months were kept.
    app.db
        .collection::<Document>("collected_monthly")
        .delete_many(doc! {})
        .await
        .unwrap();
    let (_, lost) = collected(&ada).await;
    assert_eq!(
        last_two(&lost, "USD"),
        (0, 0),
        "still owed, nothing collected: {lost:?}"
    );
    rerun_migration(&app, "2026-12-collected-monthly").await;
    assert_eq!(collected(&ada).await.1, kept);
    assert_eq!(last_two(&kept, "USD"), (2_000, 3_000));

    // Summing again sets the same totals: nothing counted twice.
    paytrack::server::db::collected::backfill(&app.db, None)
        .await
        .unwrap();
    assert_eq!(collected(&ada).await.1, kept);
}
