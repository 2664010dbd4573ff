//! Who pays latest: each client's record of how late they pay, and the dashboard's list of
//! the clients who pay latest — kept up to date with every change, healed after a missed one,
//! given to books from before it was kept, and read in index order. The real server and
//! database; Resend is the stand-in.

use mongodb::bson::{Document, doc, oid::ObjectId};
use paytrack::api::clients::{ClientSave, GetClient};
use paytrack::api::dashboard::LoadDashboard;

use crate::common::billing::{User, client_input};
use crate::common::chasing::signed_in;
use crate::common::{TestApp, rerun_migration};
use crate::promises::{client, pay_today, scene, sent};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_names_the_clients_who_pay_latest_to_their_owner_only() {
    let (app, stand_in, _) = scene().await;
    let ada = signed_in(&app, &stand_in, "ada@example.com").await;
    let late = client(&ada, "Late Larry").await;
    let prompt = client(&ada, "Prompt Pia").await;
    // Larry pays 10 and 20 days late; Pia on the day.
    for overdue in [10, 20] {
        let (id, _) = sent(&ada, &late, -overdue - 5, -overdue).await;
        pay_today(&ada, &id).await;
    }
    let (on_time, _) = sent(&ada, &prompt, 0, 0).await;
    pay_today(&ada, &on_time).await;
    let pia = ada.ok_form(&GetClient { id: prompt.clone() }).await;
    assert_eq!(pia.paid.len(), 1, "her own invoices only");
    assert_eq!(pia.paid[0].timing(), "Paid on the due date");

    // A third, paid in part, is not yet on his record.
    let (part, _) = sent(&ada, &late, -5, 0).await;
    assert_eq!(ada.pay(&part, "10.00").await.status, 200);

    let larry = ada.ok_form(&GetClient { id: late.clone() }).await;
    // His page draws each invoice he paid, the latest first (both today: the later number).
    let drawn: Vec<(String, String, i64)> = larry
        .paid
        .iter()
        .map(|p| (p.number.clone(), p.timing(), p.days_late()))
        .collect();
    let row = |number: &str, timing: &str, days| (number.to_string(), timing.to_string(), days);
    assert_eq!(
        drawn,
        [
            row("INV-0002", "Paid 20 days late", 20),
            row("INV-0001", "Paid 10 days late", 10)
        ]
    );
    assert_eq!(larry.habits.paid, 2);
    assert_eq!(larry.habits.average_days_late, Some(15));
    assert_eq!(
        larry.habits.lateness(),
        "Pays 15 days late on average (2 invoices)."
    );
    let dashboard = ada.ok_form(&LoadDashboard {}).await;
    let names: Vec<&str> = dashboard
        .late_payers
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["Late Larry"], "Pia pays on time");
    assert_eq!(dashboard.late_payers[0].client_id, late);

    let bob = signed_in(&app, &stand_in, "bob@example.com").await;
    assert!(bob.ok_form(&LoadDashboard {}).await.late_payers.is_empty());
}

async fn user_id(app: &TestApp, email: &str) -> ObjectId {
    let user = app.db.collection::<Document>("users");
    let user = user
        .find_one(doc! { "email": email })
        .await
        .unwrap()
        .unwrap();
    user.get_object_id("_id").unwrap()
}

/// Makes every kept list of who pays latest older than it is read as it is, returning when
/// they were kept now.
async fn age_kept_lists(app: &TestApp) -> mongodb::bson::DateTime {
    let fresh_for = paytrack::server::db::late_payers::FRESH_FOR.as_millis() as i64;
    let now = mongodb::bson::DateTime::now().timestamp_millis();
    let long_ago = mongodb::bson::DateTime::from_millis(now - fresh_for - 1_000);
    app.db
        .collection::<Document>("late_payers")
        .update_many(doc! {}, doc! { "$set": { "kept_at": long_ago } })
        .await
        .unwrap();
    long_ago
}

/// The ids of the clients who pay latest as the dashboard lists them, and as the clients
/// themselves say, read afresh.
async fn kept_and_live(app: &TestApp, user: &User<'_>) -> (Vec<String>, Vec<String>) {
    use futures::TryStreamExt;
    let kept = user.ok_form(&LoadDashboard {}).await.late_payers;
    let owner = user_id(app, "ada@example.com").await;
    let (filter, order, _) = paytrack::server::db::late_payers::query(owner);
    let live: Vec<Document> = app
        .db
        .collection::<Document>("clients")
        .find(filter)
        .sort(order)
        .limit(5)
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    (
        kept.into_iter().map(|p| p.client_id).collect(),
        live.iter()
            .map(|c| c.get_object_id("_id").unwrap().to_hex())
            .collect(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_pays_latest_follows_each_change_and_heals_within_a_minute_of_a_missed_one() {
    use paytrack::api::clients::{ArchiveClient, UpdateClient};

    let (app, stand_in, _) = scene().await;
    let ada = signed_in(&app, &stand_in, "ada@example.com").await;
    let names = |payers: &[paytrack::domain::pay_habits::LatePayer]| {
        payers.iter().map(|p| p.name.clone()).collect::<Vec<_>>()
    };
    let larry = client(&ada, "Late Larry").await;
    let (id, _) = sent(&ada, &larry, -15, -10).await;
    pay_today(&ada, &id).await;
    let (kept, live) = kept_and_live(&app, &ada).await;
    assert_eq!(kept, vec![larry.clone()]);
    assert_eq!(kept, live);

    // A later payer goes first.
    let mo = client(&ada, "Slow Mo").await;
    let (id, _) = sent(&ada, &mo, -35, -30).await;
    pay_today(&ada, &id).await;
    let (kept, live) = kept_and_live(&app, &ada).await;
    assert_eq!(kept, [mo.clone(), larry.clone()]);
    assert_eq!(kept, live);

    let mut input = client_input("Lawrence");
    input.emails = "zoe@client.example".to_string();
    let id = larry.clone();
    assert!(matches!(
        ada.ok(&UpdateClient { id, input }).await,
        ClientSave::Saved(_)
    ));
    let payers = ada.ok_form(&LoadDashboard {}).await.late_payers;
    assert_eq!(names(&payers), ["Slow Mo", "Lawrence"]);

    let id = mo.clone();
    ada.ok_form(&ArchiveClient { id, archived: true }).await;
    let (kept, live) = kept_and_live(&app, &ada).await;
    assert_eq!(kept, vec![larry.clone()]);
    assert_eq!(kept, live);

    let id = mo.clone();
    ada.ok_form(&ArchiveClient {
        id,
        archived: false,
    })
    .await;
    let (kept, live) = kept_and_live(&app, &ada).await;
    assert_eq!(kept, [mo.clone(), larry.clone()]);
    assert_eq!(kept, live);

    // Paid on time now, Larry's average halves (10 → 5 days): still listed, still second.
    let (id, _) = sent(&ada, &larry, 0, 0).await;
    pay_today(&ada, &id).await;
    let payers = ada.ok_form(&LoadDashboard {}).await.late_payers;
    assert_eq!(names(&payers), ["Slow Mo", "Lawrence"]);
    assert_eq!(payers[1].habits.average_days_late, Some(5));

    // A process killed between renaming a client and keeping the list: the kept list shows
    // the old name until it is older than a minute, then the list is worked out again.
    let clients = app.db.collection::<Document>("clients");
    let oid = ObjectId::parse_str(&mo).unwrap();
    let rename = doc! { "$set": { "name": "Mo Renamed" } };
    clients
        .update_one(doc! { "_id": oid }, rename)
        .await
        .unwrap();
    let payers = ada.ok_form(&LoadDashboard {}).await.late_payers;
    assert_eq!(names(&payers), ["Slow Mo", "Lawrence"]);
    age_kept_lists(&app).await;
    let payers = ada.ok_form(&LoadDashboard {}).await.late_payers;
    assert_eq!(names(&payers), ["Mo Renamed", "Lawrence"]);
}

/// A stale list is worked out by one request at a time: while one does, the user's other
/// dashboards show the list as kept, and the next read after it worked it out anew.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_one_request_works_out_a_stale_list_the_others_read_it_as_kept() {
    use paytrack::server::db::late_payers::Refreshing;

    let (app, stand_in, _) = scene().await;
    let ada = signed_in(&app, &stand_in, "ada@example.com").await;
    let larry = client(&ada, "Late Larry").await;
    let (id, _) = sent(&ada, &larry, -15, -10).await;
    pay_today(&ada, &id).await;
    let (kept, _) = kept_and_live(&app, &ada).await;
    assert_eq!(kept, vec![larry.clone()]);

    let owner = user_id(&app, "ada@example.com").await;
    // Renamed behind the list's back, and the list kept over a minute ago.
    let oid = ObjectId::parse_str(&larry).unwrap();
    app.db
        .collection::<Document>("clients")
        .update_one(doc! { "_id": oid }, doc! { "$set": { "name": "Lawrence" } })
        .await
        .unwrap();
    let long_ago = age_kept_lists(&app).await;
    let late_payers = app.db.collection::<Document>("late_payers");

    let turn = Refreshing::claim(owner).expect("no request is working the list out");
    assert!(Refreshing::claim(owner).is_none(), "one turn at a time");
    let payers = ada.ok_form(&LoadDashboard {}).await.late_payers;
    assert_eq!(
        payers[0].name, "Late Larry",
        "read as kept while another works it out"
    );
    let still = late_payers
        .find_one(doc! { "_id": owner })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still.get_datetime("kept_at").unwrap(), &long_ago);

    drop(turn);
    let payers = ada.ok_form(&LoadDashboard {}).await.late_payers;
    assert_eq!(
        payers[0].name, "Lawrence",
        "worked out anew once the turn is free"
    );
    let kept = late_payers.find_one(doc! { "_id": owner }).await.unwrap();
    assert!(*kept.unwrap().get_datetime("kept_at").unwrap() > long_ago);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_book_from_before_the_list_was_kept_gets_it_at_the_next_start() {
    let (app, stand_in, _) = scene().await;
    let ada = signed_in(&app, &stand_in, "ada@example.com").await;
    let late = client(&ada, "Late Larry").await;
    let (id, _) = sent(&ada, &late, -20, -12).await;
    pay_today(&ada, &id).await;
    let kept = app.db.collection::<Document>("late_payers");
    kept.delete_many(doc! {}).await.unwrap();

    rerun_migration(&app, "2026-12-late-payers").await;
    let lists: Vec<Document> = {
        use futures::TryStreamExt;
        kept.find(doc! {})
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap()
    };
    assert_eq!(lists.len(), 1, "{lists:?}");
    let clients = lists[0].get_array("clients").unwrap();
    assert_eq!(clients.len(), 1);
    let only = clients[0].as_document().unwrap();
    assert_eq!(only.get_object_id("_id").unwrap().to_hex(), late);
    assert_eq!(only.get_str("name").unwrap(), "Late Larry");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_paid_before_records_were_kept_get_theirs_at_the_next_start() {
    let (app, stand_in, _) = scene().await;
    let ada = signed_in(&app, &stand_in, "ada@example.com").await;
    let late = client(&ada, "Late Larry").await;
    let (id, _) = sent(&ada, &late, -20, -12).await;
    pay_today(&ada, &id).await;
    // As a client was stored before its record, or the list of who pays latest, was kept.
    let clients = app.db.collection::<Document>("clients");
    let oid = ObjectId::parse_str(&late).unwrap();
    clients
        .update_one(doc! { "_id": oid }, doc! { "$unset": { "habits": "" } })
        .await
        .unwrap();
    let kept = app.db.collection::<Document>("late_payers");
    kept.delete_many(doc! {}).await.unwrap();
    assert!(ada.ok_form(&LoadDashboard {}).await.late_payers.is_empty());
    rerun_migration(&app, "2026-12-pay-habits").await;
    let payers = ada.ok_form(&LoadDashboard {}).await.late_payers;
    assert_eq!(payers.len(), 1);
    assert_eq!(payers[0].habits.average_days_late, Some(12));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_latest_payers_are_read_in_index_order_and_the_read_stops_at_the_limit() {
    use paytrack::domain::pay_habits::PayHabits;
    use paytrack::server::db::late_payers;

    let app = crate::common::spawn_app().await;
    let owner = ObjectId::new();
    let clients = app.db.collection::<Document>("clients");
    // 30 late clients, three at each lateness from 1 to 10 days, created in that order; an
    // archived one latest of all; one on time.
    let record = |days: i64| {
        mongodb::bson::to_document(&PayHabits {
            paid: 1,
            average_days_late: Some(days),
            ..PayHabits::default()
        })
        .unwrap()
    };
    let mut ids = Vec::new();
    for n in 0..30 {
        let id = ObjectId::new();
        ids.push(id);
        let client = doc! { "_id": id, "user_id": owner, "name": format!("Client {n}"), "archived": false, "habits": record(n % 10 + 1) };
        clients.insert_one(client).await.unwrap();
    }
    let archived = doc! { "_id": ObjectId::new(), "user_id": owner, "name": "Gone", "archived": true, "habits": record(99) };
    clients.insert_one(archived).await.unwrap();
    let on_time = doc! { "_id": ObjectId::new(), "user_id": owner, "name": "Prompt", "archived": false, "habits": record(0) };
    clients.insert_one(on_time).await.unwrap();

    let payers = late_payers::refresh(&app.db, owner).await.unwrap();
    let got: Vec<(ObjectId, Option<i64>)> = payers
        .iter()
        .map(|p| (p.id, p.habits.average_days_late))
        .collect();
    // 10 days late: clients 29, 19, 9 (newest first among equals), then 9 days: 28, 18.
    let want = vec![
        (ids[29], Some(10)),
        (ids[19], Some(10)),
        (ids[9], Some(10)),
        (ids[28], Some(9)),
        (ids[18], Some(9)),
    ];
    assert_eq!(got, want);

    let (filter, sort, projection) = late_payers::query(owner);
    let plan = app
        .db
        .run_command(doc! { "explain": {
            "find": "clients", "filter": filter, "sort": sort, "projection": projection, "limit": 5,
        }, "verbosity": "executionStats" })
        .await
        .unwrap();
    let stats = plan.get_document("executionStats").unwrap();
    let examined = |key: &str| {
        stats
            .get_i64(key)
            .or_else(|_| stats.get_i32(key).map(i64::from))
            .unwrap()
    };
    // The archived client is the one read beyond the five: no sort of the other 25 late ones.
    assert!(examined("totalKeysExamined") <= 6, "{plan}");
    assert!(examined("totalDocsExamined") <= 6, "{plan}");
}
