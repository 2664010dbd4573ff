//! PayTrack behind a reverse proxy: who the client is comes from the forwarding headers only
//! when the peer is a trusted proxy, and the login-link limits cannot be turned into a way to
//! keep someone from signing in.

use paytrack::server::auth::login_link;
use serde_json::Value;

use crate::common::rate_window::start_inside_one_window;
use crate::common::sign_in::session_cookie;
use crate::common::{TestApp, spawn_app, spawn_app_with, test_mongodb_uri};

const VICTIM: &str = "ada@example.com";

impl TestApp {
    async fn request_link_via(&self, email: &str, forwarded_for: &str) -> reqwest::Response {
        self.http
            .post(self.url("/api/auth/request-link"))
            .header("accept", "application/json")
            .header("x-forwarded-for", forwarded_for)
            .form(&[("email", email), ("time_zone", "UTC"), ("next", "/")])
            .send()
            .await
            .unwrap()
    }

    /// Asks for `email`'s link and uses it, both through the proxy; the session cookie.
    async fn sign_in_via(&self, email: &str, link_from: &str, used_from: &str) -> String {
        assert_eq!(self.request_link_via(email, link_from).await.status(), 200);
        let token = self.latest_token(email).await;
        let response = self
            .http
            .post(self.url("/auth/link"))
            .header("x-forwarded-for", used_from)
            .header("user-agent", IPHONE)
            .form(&[("token", token.as_str())])
            .send()
            .await
            .unwrap();
        session_cookie(&response).expect("signed in")
    }
}

const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 \
    (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

async fn behind_trusted_proxy() -> TestApp {
    // The test's requests come from 127.0.0.1: that is the proxy here.
    spawn_app_with(
        &test_mongodb_uri(),
        &[("PAYTRACK_TRUSTED_PROXIES", "127.0.0.1/32, ::1")],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_trusted_proxies_forwarded_addresses_are_ignored() {
    let app = spawn_app().await;
    start_inside_one_window(login_link::PER_IP.window).await;
    // Each request claims another client; all come from one peer and share its budget.
    for i in 0..10 {
        let response = app
            .request_link_via(&format!("p{i}@example.com"), &format!("198.51.{i}.1"))
            .await;
        assert_eq!(response.status(), 200);
    }
    let limited = app
        .request_link_via("p10@example.com", "198.51.200.1")
        .await;
    assert_eq!(
        limited.status(),
        429,
        "a forged X-Forwarded-For buys nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_each_client_has_its_own_budget() {
    let app = behind_trusted_proxy().await;
    start_inside_one_window(login_link::PER_IP.window).await;
    for i in 0..10 {
        let response = app
            .request_link_via(&format!("p{i}@example.com"), "203.0.113.7")
            .await;
        assert_eq!(response.status(), 200);
    }
    assert_eq!(
        app.request_link_via("p10@example.com", "203.0.113.7")
            .await
            .status(),
        429
    );
    // A client cannot escape by writing another address in front: the proxy appends the one
    // it saw, and that right-most one counts.
    assert_eq!(
        app.request_link_via("p11@example.com", "192.0.2.50, 203.0.113.7")
            .await
            .status(),
        429
    );
    // Another client behind the same proxy is not affected.
    assert_eq!(
        app.request_link_via("p12@example.com", "198.51.100.20")
            .await
            .status(),
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_record_the_forwarded_client_not_the_proxy() {
    let app = behind_trusted_proxy().await;
    let cookie = app
        .sign_in_via(VICTIM, "203.0.113.7", "6.6.6.6, 203.0.113.7")
        .await;
    let sessions: Value = app
        .post_with_cookie("/api/account/sessions", &cookie)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sessions[0]["ip"], "203.0.113.7", "{sessions}");
    // The device the user signed in on, named as they would name it.
    assert_eq!(sessions[0]["device"], "Safari 17 on iPhone", "{sessions}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_asking_for_someones_link_does_not_lock_them_out() {
    let app = behind_trusted_proxy().await;
    start_inside_one_window(login_link::PER_EMAIL_PER_NETWORK.window).await;
    // The stranger asks for Ada's link until refused.
    for _ in 0..3 {
        assert_eq!(
            app.request_link_via(VICTIM, "198.51.100.66").await.status(),
            200
        );
    }
    assert_eq!(
        app.request_link_via(VICTIM, "198.51.100.67").await.status(),
        429,
        "the stranger's network has used its budget for this address"
    );
    let sent = app.outbox_count().await;
    // Ada, on her own network, still gets her link.
    assert_eq!(
        app.request_link_via(VICTIM, "203.0.113.7").await.status(),
        200
    );
    assert_eq!(app.outbox_count().await, sent + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_networks_hit_the_hourly_ceiling_but_not_where_the_user_is_signed_in() {
    let app = behind_trusted_proxy().await;
    // Hourly windows begin where quarter-hour ones do: clear of one edge, clear of both.
    start_inside_one_window(login_link::PER_EMAIL_PER_NETWORK.window).await;
    // Ada signed in from home once.
    app.sign_in_via(VICTIM, "203.0.113.7", "203.0.113.7").await;

    // Askers spread over ten networks use up the address's hourly ceiling (her own first
    // request, made before she had a session, counted too).
    let mut asked = 1;
    for network in 0..10 {
        for _ in 0..3 {
            if asked == 30 {
                break;
            }
            let ip = format!("198.51.{network}.9");
            assert_eq!(app.request_link_via(VICTIM, &ip).await.status(), 200);
            asked += 1;
        }
    }
    assert_eq!(
        app.request_link_via(VICTIM, "192.0.2.1").await.status(),
        429,
        "a new network past the ceiling is refused"
    );
    // From home — another address on the same network — Ada still signs in.
    assert_eq!(
        app.request_link_via(VICTIM, "203.0.113.99").await.status(),
        200
    );
}
