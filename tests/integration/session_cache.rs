//! Signed-in requests are served from a short memory of who each session cookie belongs to.
//! A server sees its own changes at once and another server's within `STALE_AT_MOST`; "signed
//! out everywhere" holds on every server by the time it is answered. The second server is a
//! real process, so it shares nothing in memory with the first.

use std::process::Child;
use std::time::{Duration, Instant};

use paytrack::server::auth::session_cache::STALE_AT_MOST;
use reqwest::header::{COOKIE, ORIGIN};
use serde_json::Value;

use crate::common::{TestApp, free_port, server_process, spawn_app};

const EMAIL: &str = "ada@example.com";

/// Another PayTrack server process on the test app's database.
struct OtherServer {
    child: Child,
    base: String,
    origin: String,
}

impl OtherServer {
    fn start(app: &TestApp) -> OtherServer {
        let port = free_port();
        let child = server_process(app, port, &[]);
        OtherServer {
            child,
            base: format!("http://127.0.0.1:{port}"),
            origin: app.address.clone(),
        }
    }

    async fn post(&self, path: &str, cookie: &str, form: &[(&str, &str)]) -> reqwest::Response {
        reqwest::Client::new()
            .post(format!("{}{path}", self.base))
            .header(ORIGIN, &self.origin)
            .header(COOKIE, format!("paytrack_session={cookie}"))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    async fn me(&self, cookie: &str) -> Value {
        let response = self.post("/api/auth/me", cookie, &[]).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }
}

impl Drop for OtherServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn rename(server: &OtherServer, cookie: &str, name: &str) {
    let saved = server
        .post(
            "/api/account/profile",
            cookie,
            &[
                ("name", name),
                ("time_zone", "Europe/Paris"),
                ("invoice_prefix", "INV"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 200, "{}", saved.text().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_everywhere_holds_on_every_server_once_it_is_answered() {
    let app = spawn_app().await;
    let cookie = app.sign_in(EMAIL).await;
    let other = OtherServer::start(&app);
    // The other server has just read the session, and keeps it.
    assert_eq!(other.me(&cookie).await["email"], EMAIL);

    let response = app
        .post_with_cookie("/auth/sign-out-everywhere", &cookie)
        .await;
    assert_eq!(response.status(), 303);

    assert_eq!(other.me(&cookie).await, Value::Null);
    assert_eq!(app.me(&cookie).await.0, Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_sees_its_own_changes_at_once_and_another_servers_within_the_bound() {
    let app = spawn_app().await;
    let cookie = app.sign_in(EMAIL).await;
    let other = OtherServer::start(&app);
    assert_eq!(app.me(&cookie).await.0["email"], EMAIL);
    assert_eq!(other.me(&cookie).await["email"], EMAIL);

    // Renamed through the other server: it answers with the new name from then on.
    rename(&other, &cookie, "Ada Lovelace").await;
    assert_eq!(other.me(&cookie).await["name"], "Ada Lovelace");

    // This server catches up within the bound.
    let renamed_at = Instant::now();
    let mut seen = app.me(&cookie).await.0;
    while seen["name"] != "Ada Lovelace" && renamed_at.elapsed() < STALE_AT_MOST * 2 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        seen = app.me(&cookie).await.0;
    }
    assert_eq!(seen["name"], "Ada Lovelace");
    assert!(
        renamed_at.elapsed() <= STALE_AT_MOST + Duration::from_secs(1),
        "another server's change went unseen for {:?}",
        renamed_at.elapsed()
    );
}
