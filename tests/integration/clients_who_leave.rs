//! A client that hangs up while its request waits on the database (a closed tab, a proxy's
//! time-out, a load test stopping) leaves neither half-done work nor a stalled server. The
//! database is made slow for real, with its own failpoint, on a database of the test's own.

use std::time::{Duration, Instant};

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

const METRICS_TOKEN: &str = "metrics-token-for-the-test-0123456789";

/// The value of the metric `name` (a series without labels) in `base`'s metrics; the scrape
/// is itself a request in progress.
async fn metric(base: &str, name: &str) -> f64 {
    let text = reqwest::Client::new()
        .get(format!("{base}/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("{name} in the metrics:\n{text}"))
}

/// Waits up to `seconds` for `name` in `base`'s metrics to be `done`, failing saying `what`
/// otherwise; returns how long that took.
async fn until_metric(
    base: &str,
    name: &str,
    done: impl Fn(f64) -> bool,
    seconds: u64,
    what: &str,
) -> Duration {
    let started = Instant::now();
    while !done(metric(base, name).await) {
        assert!(started.elapsed() < Duration::from_secs(seconds), "{what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    started.elapsed()
}

/// Waits up to 30 s for `base`'s `/readyz` to answer 200; fails saying `what` otherwise.
async fn until_ready(base: &str, what: &str) {
    let started = Instant::now();
    loop {
        let answer = reqwest::get(format!("{base}/readyz")).await;
        if answer.is_ok_and(|r| r.status() == 200) {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "{what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A database that stops answering (its process paused, not gone) holds every request that
/// needs it; those whose clients leave run on, as requests do here. They must not pile up for
/// as long as the database hangs: the driver's monitor gives the database up within seconds
/// and its pool fails what waits, and the server serves again once the database answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_left_waiting_on_a_database_that_stopped_answering_end() {
    let database = OwnDatabase::start();
    let app = spawn_app_on(&database.uri()).await;
    let ada = app.user("ada@example.test").await;
    // A process of its own, so that its metrics count only this test's requests.
    let port = free_port();
    let mut server = server_process(
        &app,
        port,
        &[
            ("MONGODB_URI", &database.uri()),
            ("PAYTRACK_METRICS_TOKEN", METRICS_TOKEN),
        ],
    );
    let base = format!("http://127.0.0.1:{port}");
    until_ready(&base, "the server is ready").await;

    database.pause();
    // The clients leave once every request is in the server, waiting on the database (left
    // after a fixed time, one of the 16 was sometimes not yet read on a busy machine).
    let dashboards: Vec<_> = (0..16)
        .map(|_| {
            let request = reqwest::Client::new()
                .post(format!("{base}/api/dashboard"))
                .header(COOKIE, format!("paytrack_session={}", ada.cookie))
                .form(&LoadDashboard {})
                .send();
            tokio::spawn(request)
        })
        .collect();
    let in_progress = "paytrack_http_requests_in_progress";
    let all_in = |n: f64| n >= 17.0;
    until_metric(
        &base,
        in_progress,
        all_in,
        30,
        "the 16 requests reach the server",
    )
    .await;
    for dashboard in &dashboards {
        dashboard.abort();
    }
    let abandoned = "paytrack_http_requests_abandoned_total";
    let all_left = |n: f64| n >= 16.0;
    until_metric(
        &base,
        abandoned,
        all_left,
        10,
        "the server sees the 16 clients leave",
    )
    .await;
    assert_eq!(metric(&base, abandoned).await, 16.0);
    assert_eq!(
        metric(&base, in_progress).await,
        17.0,
        "the 16 whose clients left wait on the database, beside this scrape"
    );

    let only_the_scrape = |n: f64| n <= 1.0;
    let ended = until_metric(
        &base,
        in_progress,
        only_the_scrape,
        40,
        "requests still wait on the hung database after 40 s",
    )
    .await;
    eprintln!("requests on the hung database ended after {ended:?}");

    database.resume();
    let resumed = Instant::now();
    until_ready(&base, "the server is ready again once the database answers").await;
    eprintln!("ready {:?} after the database went on", resumed.elapsed());
    let answer = reqwest::Client::new()
        .post(format!("{base}/api/dashboard"))
        .header(COOKIE, format!("paytrack_session={}", ada.cookie))
        .form(&LoadDashboard {})
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let _ = server.kill();
    let _ = server.wait();
}
