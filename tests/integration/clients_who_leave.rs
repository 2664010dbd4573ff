//! A client that hangs up while its request waits on the database (a closed tab, a proxy's
//! time-out, a load test stopping) leaves neither half-done work nor a stalled server. The
//! database is made slow for real, with its own failpoint, on a database of the test's own.

use std::time::Duration;

use mongodb::bson::doc;
use paytrack::api::clients::ArchiveClient;
use paytrack::api::dashboard::LoadDashboard;
use reqwest::header::COOKIE;
use serde::Serialize;

use crate::common::billing::User;
use crate::common::{OwnDatabase, TestApp, free_port, server_process, spawn_app_on, wait_for};
use crate::promises::{client, pay_today, sent};

/// Makes the next `times` of `commands` wait `ms` in the database before running, set through
/// a client of its own (the app's pool is what the tests watch).
async fn slow_down(database: &OwnDatabase, commands: &[&str], ms: i32, times: i32) {
    let admin = mongodb::Client::with_uri_str(database.uri()).await.unwrap();
    admin
        .database("admin")
        .run_command(doc! {
            "configureFailPoint": "failCommand",
            "mode": { "times": times },
            "data": { "failCommands": commands, "blockConnection": true, "blockTimeMS": ms },
        })
        .await
        .expect("the failpoint is set");
}

/// Sends the server function `args` as `user` on a connection of its own, and hangs up
/// after `patience` unless answered.
async fn hang_up_after<F: Serialize>(
    user: &User<'_>,
    endpoint: &str,
    args: &F,
    patience: Duration,
) {
    hang_up_on(&user.app.address, user, endpoint, args, patience).await;
}

/// `hang_up_after`, to the server at `base`.
async fn hang_up_on<F: Serialize>(
    base: &str,
    user: &User<'_>,
    endpoint: &str,
    args: &F,
    patience: Duration,
) {
    let request = reqwest::Client::new()
        .post(format!("{base}{endpoint}"))
        .header(COOKIE, format!("paytrack_session={}", user.cookie))
        .form(args)
        .send();
    let _ = tokio::time::timeout(patience, request).await;
}

async fn readiness(app: &TestApp) -> u16 {
    app.http
        .get(app.url("/readyz"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The driver's pool serves its queue of requests for a connection one place per turn, a
/// turn every half second when nothing else happens; requests dropped in that queue once
/// held every later query of the process up to half a minute (`/readyz` 503).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_clients_hanging_up_while_queued_for_the_database_do_not_stall_the_server() {
    let database = OwnDatabase::start();
    let app = spawn_app_on(&database.uri()).await;
    let ada = app.user("ada@example.test").await;
    assert_eq!(readiness(&app).await, 200);

    // The next finds hold the pool's ten connections for a second; 64 dashboards queue
    // behind them, and their clients all hang up.
    slow_down(&database, &["find"], 1_000, 10).await;
    let patience = Duration::from_millis(300);
    let dashboards: Vec<_> = (0..64)
        .map(|_| hang_up_after(&ada, "/api/dashboard", &LoadDashboard {}, patience))
        .collect();
    futures::future::join_all(dashboards).await;
    tokio::time::sleep(Duration::from_millis(1_200)).await;

    assert_eq!(readiness(&app).await, 200, "the server's queries go on");
    let answer = ada.form("/api/dashboard", &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

/// A user with one client on the list of who pays latest, on a database of the test's own.
async fn late_larry(app: &TestApp) -> (User<'_>, String) {
    let ada = app.user("ada@example.test").await;
    let larry = client(&ada, "Late Larry").await;
    let (id, _) = sent(&ada, &larry, -15, -10).await;
    pay_today(&ada, &id).await;
    assert_eq!(late_payers(&ada).await, ["Late Larry"]);
    (ada, larry)
}

async fn late_payers(user: &User<'_>) -> Vec<String> {
    let dashboard = user.ok_form(&LoadDashboard {}).await;
    dashboard.late_payers.into_iter().map(|p| p.name).collect()
}

/// Archiving a client is two writes: the client, then the list of who pays latest. A client
/// hanging up between them used to stop the request there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_whose_client_hung_up_is_carried_through() {
    let database = OwnDatabase::start();
    let app = spawn_app_on(&database.uri()).await;
    let (ada, larry) = late_larry(&app).await;

    // The archiving write waits half a second in the database; the client leaves before.
    slow_down(&database, &["findAndModify"], 500, 1).await;
    let archive = ArchiveClient {
        id: larry.clone(),
        archived: true,
    };
    hang_up_after(
        &ada,
        "/api/clients/archive",
        &archive,
        Duration::from_millis(150),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1_000)).await;

    let listed = late_payers(&ada).await;
    assert!(
        listed.is_empty(),
        "an archived client is off the list, not there for its next minute: {listed:?}"
    );
}

/// A server told to stop (SIGTERM) lets a request whose client left end before it closes
/// the database: its connection is gone, so graceful shutdown alone would not wait for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopping_server_lets_a_change_whose_client_hung_up_end() {
    let database = OwnDatabase::start();
    let app = spawn_app_on(&database.uri()).await;
    let (ada, larry) = late_larry(&app).await;
    let port = free_port();
    let mut server = server_process(&app, port, &[("MONGODB_URI", &database.uri())]);

    slow_down(&database, &["findAndModify"], 1_000, 1).await;
    let archive = ArchiveClient {
        id: larry,
        archived: true,
    };
    let base = format!("http://127.0.0.1:{port}");
    hang_up_on(
        &base,
        &ada,
        "/api/clients/archive",
        &archive,
        Duration::from_millis(200),
    )
    .await;
    let stopped = std::process::Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    wait_for(Duration::from_secs(15), || {
        server.try_wait().unwrap().is_some()
    });
    assert!(server.try_wait().unwrap().unwrap().success());

    let listed = late_payers(&ada).await;
    assert!(listed.is_empty(), "archived and off the list: {listed:?}");
}
