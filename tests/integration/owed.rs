//! What the dashboard's aging and "coming due" read: what open invoices owe per currency and
//! due date, moved in the same transaction as each send, payment and void, and summed once
//! from older books by a migration.

use mongodb::bson::{Document, doc, oid::ObjectId};
use paytrack::server::db::{client_owed, owed};

use crate::common::billing::{User, client_input, invoice_input};
use crate::common::{TestApp, rerun_migration, spawn_app};

/// (currency, due date, minor units owed, open invoices), sorted.
type Kept = Vec<(String, String, i64, u32)>;

async fn user_id(app: &TestApp, email: &str) -> ObjectId {
    app.user_document(email).await.get_object_id("_id").unwrap()
}

async fn kept(app: &TestApp, user: ObjectId) -> Kept {
    let mut days: Kept = owed::of_user(&app.db, user)
        .await
        .unwrap()
        .into_iter()
        .map(|day| {
            (
                day.currency.code().to_string(),
                day.due.to_string(),
                day.minor,
                day.invoices,
            )
        })
        .collect();
    days.sort();
    days
}

/// Each client's kept days (`db::client_owed`), as (client, day), sorted.
async fn kept_by_client(
    app: &TestApp,
    user: ObjectId,
) -> Vec<(ObjectId, (String, String, i64, u32))> {
    let mut days: Vec<_> = client_owed::of_clients(&app.db, user, None)
        .await
        .unwrap()
        .into_iter()
        .map(|(client, d)| {
            let at = (d.currency.code().to_string(), d.due.to_string());
            (client, (at.0, at.1, d.minor, d.invoices))
        })
        .collect();
    days.sort();
    days
}

fn day(currency: &str, due: &str, minor: i64, invoices: u32) -> (String, String, i64, u32) {
    (currency.to_string(), due.to_string(), minor, invoices)
}

/// A client billed in `currency`.
async fn client_in(user: &User<'_>, name: &str, currency: &str) -> String {
    let mut client = client_input(name);
    client.currency = currency.to_string();
    match user
        .ok(&paytrack::api::clients::CreateClient { input: client })
        .await
    {
        paytrack::api::clients::ClientSave::Saved(summary) => summary.id,
        other => panic!("client refused: {other:?}"),
    }
}

/// A draft of 201.56 in the client's `currency`, due on `due`.
async fn draft_due(user: &User<'_>, client: &str, currency: &str, due: &str) -> String {
    let mut input = invoice_input(client);
    input.currency = currency.to_string();
    input.due_date = due.to_string();
    user.draft_with(input).await.0
}

async fn sent_due(user: &User<'_>, client: &str, currency: &str, due: &str) -> String {
    let id = draft_due(user, client, currency, due).await;
    let sent = user.send(&id).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_is_owed_moves_with_each_send_payment_and_void_for_its_owner_only() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let bob = app.user("bob@example.test").await;
    let (ada_id, bob_id) = (
        user_id(&app, "ada@example.test").await,
        user_id(&app, "bob@example.test").await,
    );
    let acme = client_in(&ada, "Acme", "USD").await;

    let a = draft_due(&ada, &acme, "USD", "2026-01-31").await;
    let b = draft_due(&ada, &acme, "USD", "2026-03-01").await;
    let c = draft_due(&ada, &acme, "USD", "2026-03-01").await;
    assert_eq!(kept(&app, ada_id).await, vec![], "drafts owe nothing");

    for id in [&a, &b, &c] {
        assert_eq!(ada.send(id).await.status, 200);
    }
    assert_eq!(
        kept(&app, ada_id).await,
        vec![
            day("USD", "2026-01-31", 20_156, 1),
            day("USD", "2026-03-01", 40_312, 2),
        ]
    );

    assert_eq!(ada.pay(&b, "50").await.status, 200);
    assert_eq!(ada.pay(&a, "201.56").await.status, 200);
    assert_eq!(
        kept(&app, ada_id).await,
        vec![day("USD", "2026-03-01", 35_312, 2)],
        "a part payment lowers its day; a full one takes the invoice off"
    );

    let voided = ada.form("/api/invoices/void", &[("id", c.as_str())]).await;
    assert_eq!(voided.status, 200, "{}", voided.body);
    let bertha = client_in(&ada, "Bertha", "EUR").await;
    sent_due(&ada, &bertha, "EUR", "2026-03-01").await;
    let bobs_client = client_in(&bob, "Carol", "USD").await;
    sent_due(&bob, &bobs_client, "USD", "2026-03-01").await;
    let adas = vec![
        day("EUR", "2026-03-01", 20_156, 1),
        day("USD", "2026-03-01", 15_156, 1),
    ];
    assert_eq!(kept(&app, ada_id).await, adas);
    assert_eq!(
        kept(&app, bob_id).await,
        vec![day("USD", "2026-03-01", 20_156, 1)]
    );

    // Each client's share moved with the same writes (what the client list reads).
    let acme_id = ObjectId::parse_str(&acme).unwrap();
    let bertha_id = ObjectId::parse_str(&bertha).unwrap();
    let clients_days = vec![
        (acme_id, day("USD", "2026-03-01", 15_156, 1)),
        (bertha_id, day("EUR", "2026-03-01", 20_156, 1)),
    ];
    assert_eq!(kept_by_client(&app, ada_id).await, clients_days);
    let (kept_days, summed) = crate::common::owed_kept_and_summed(&app.db, ada_id).await;
    assert_eq!(kept_days, summed);

    // What was kept step by step is what the invoices add up to.
    owed::rebuild(&app.db, ada_id).await.unwrap();
    assert_eq!(kept(&app, ada_id).await, adas);
    assert_eq!(kept_by_client(&app, ada_id).await, clients_days);

    // The dashboard reads it: everything owed is overdue here (its days are in the past of
    // the test clock's today or not, the totals are what matter).
    let dashboard = ada.form("/api/dashboard", &[]).await;
    assert_eq!(dashboard.status, 200, "{}", dashboard.body);
    let currencies = dashboard.body["currencies"].as_array().unwrap();
    let outstanding: Vec<(&str, i64, u64)> = currencies
        .iter()
        .map(|c| {
            let counts = c["aging_counts"].as_array().unwrap();
            (
                c["currency"].as_str().unwrap(),
                c["outstanding"]["minor"].as_i64().unwrap(),
                counts.iter().map(|n| n.as_u64().unwrap()).sum(),
            )
        })
        .collect();
    assert_eq!(outstanding, vec![("USD", 15_156, 1), ("EUR", 20_156, 1)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coming_due_lists_the_earliest_due_whatever_the_kept_sums_say() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let ada_id = user_id(&app, "ada@example.test").await;
    let acme = client_in(&ada, "Acme", "USD").await;
    let dues = [
        "2026-02-10",
        "2026-01-05",
        "2026-03-01",
        "2026-01-20",
        "2026-02-01",
        "2026-01-20",
        "2026-04-01",
        "2026-05-01",
    ];
    let mut ids = Vec::new();
    for due in dues {
        ids.push((due, sent_due(&ada, &acme, "USD", due).await));
    }
    ids.sort();
    let earliest: Vec<String> = ids.iter().take(6).map(|(_, id)| id.clone()).collect();
    let coming_due = || async {
        let dashboard = ada.form("/api/dashboard", &[]).await;
        assert_eq!(dashboard.status, 200, "{}", dashboard.body);
        let mut listed: Vec<(String, String)> = dashboard.body["coming_due"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                (
                    row["due_date"].as_str().unwrap().to_string(),
                    row["id"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        // Two are due the same day; either may come first.
        listed.sort();
        listed.into_iter().map(|(_, id)| id).collect::<Vec<_>>()
    };
    assert_eq!(coming_due().await, earliest);

    // Sums that say six fall due by the first day (too few there in truth), or that nothing is
    // owed at all, change what the read costs, never what it lists.
    let days = app.db.collection::<Document>("owed");
    let tampered = [
        doc! { "2026-01-05": { "minor": 1_i64, "invoices": 6_i64 } },
        doc! {},
    ];
    for wrong in tampered {
        days.update_many(
            doc! { "user_id": ada_id },
            doc! { "$set": { "days": wrong } },
        )
        .await
        .unwrap();
        assert_eq!(coming_due().await, earliest);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn books_from_before_the_sums_were_kept_are_summed_at_the_next_start() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.test").await;
    let ada_id = user_id(&app, "ada@example.test").await;
    let acme = client_in(&ada, "Acme", "USD").await;
    let paid_part = sent_due(&ada, &acme, "USD", "2026-01-31").await;
    sent_due(&ada, &acme, "USD", "2026-02-28").await;
    assert_eq!(ada.pay(&paid_part, "1.56").await.status, 200);
    let before = kept(&app, ada_id).await;
    assert_eq!(
        before,
        vec![
            day("USD", "2026-01-31", 20_000, 1),
            day("USD", "2026-02-28", 20_156, 1),
        ]
    );

    app.db
        .collection::<Document>("owed")
        .delete_many(doc! {})
        .await
        .unwrap();
    rerun_migration(&app, "2026-12-owed-by-due-date").await;
    assert_eq!(kept(&app, ada_id).await, before);
    // Summing again sets the same figures: nothing counted twice.
    owed::rebuild_all(&app.db).await.unwrap();
    assert_eq!(kept(&app, ada_id).await, before);

    // A book from before each client's days were kept gets them at the next start.
    let acme_id = ObjectId::parse_str(&acme).unwrap();
    let clients_before: Vec<_> = before.iter().map(|d| (acme_id, d.clone())).collect();
    assert_eq!(kept_by_client(&app, ada_id).await, clients_before);
    app.db
        .collection::<Document>("client_owed")
        .delete_many(doc! {})
        .await
        .unwrap();
    assert_eq!(kept_by_client(&app, ada_id).await, vec![]);
    rerun_migration(&app, "2026-12-client-owed").await;
    assert_eq!(kept_by_client(&app, ada_id).await, clients_before);
    assert_eq!(kept(&app, ada_id).await, before);

    // A start that sums the users' days sums their clients' too, and records that it did.
    app.db
        .collection::<Document>("client_owed")
        .delete_many(doc! {})
        .await
        .unwrap();
    app.db
        .collection::<Document>("migrations")
        .delete_one(doc! { "_id": "2026-12-client-owed" })
        .await
        .unwrap();
    rerun_migration(&app, "2026-12-owed-by-due-date").await;
    assert_eq!(kept_by_client(&app, ada_id).await, clients_before);
    let recorded = app
        .db
        .collection::<Document>("migrations")
        .count_documents(doc! { "_id": "2026-12-client-owed" })
        .await
        .unwrap();
    assert_eq!(recorded, 1);
}
