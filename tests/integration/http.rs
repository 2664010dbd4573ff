//! The HTTP surface of a running server: pages, their headers and caching, the 404 page,
//! and server functions. Probes, metrics and the dev outbox: `operator_endpoints.rs`; files
//! and compression: `static_files.rs`.

use crate::common::{CONTACT_EMAIL, spawn_app, spawn_app_with, test_mongodb_uri};
use mongodb::bson::DateTime;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_landing_page_is_rendered_on_the_server_with_security_headers() {
    let app = spawn_app().await;
    let res = app.http.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(
        headers["referrer-policy"],
        "strict-origin-when-cross-origin"
    );
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = res.text().await.unwrap();
    assert!(html.contains("Get paid on time"), "{html}");
    // Asset links carry the content hash, so they can be cached for a year.
    assert!(html.contains("/pkg/paytrack.0123abcd.css"), "{html}");
    assert!(html.contains("/pkg/paytrack.0123abcd.js"), "{html}");
    // What a newcomer needs: the dashboard drawn, pricing (no plans without billing) and the
    // way in; nothing on it writes to the database.
    assert!(html.contains("Outstanding by age"), "{html}");
    assert!(html.contains("everything is included"), "{html}");
    assert!(html.contains("href=\"/sign-in\""), "{html}");
    // Sent whole, in reading order: the header's links (they wait on the session) sit in the
    // header, not in a part streamed after the page for a script to move into place.
    let sign_in_link = html.find("class=\"nav-cta\"").unwrap();
    let main = html.find("<main").unwrap();
    assert!(sign_in_link < main, "{html}");
    assert!(!html.contains("<template"), "{html}");
    let status_check = app.call("/api/site/status-check", &[]).await;
    assert_eq!(status_check.status(), 404);
    // Forms post only to PayTrack; development over http gets no HSTS.
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("form-action 'self'"), "{csp}");
    assert!(headers.get("strict-transport-security").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_out_app_pages_redirect_to_sign_in_whatever_the_client_accepts() {
    let app = spawn_app().await;
    for path in [
        "/dashboard",
        "/invoices?status=overdue",
        "/invoices/0123456789abcdef01234567",
        "/clients",
        "/account",
    ] {
        for accept in ["text/html,application/xhtml+xml", "*/*"] {
            let page = app
                .http
                .get(app.url(path))
                .header("accept", accept)
                .send()
                .await
                .unwrap();
            assert_eq!(page.status(), 302, "{path} ({accept})");
            // Back to the page asked for, with its query, once signed in.
            let to = page.headers()["location"].to_str().unwrap();
            let decoded = to
                .replace("%2F", "/")
                .replace("%3F", "?")
                .replace("%3D", "=");
            assert_eq!(
                decoded,
                format!("/sign-in?next={path}"),
                "{path} ({accept})"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_address_with_a_filter_that_is_no_filter_is_a_bad_request_that_says_why() {
    let app = spawn_app().await;
    let cookie = app.sign_in("ada@example.com").await;
    let page = app.get_with_cookie("/invoices?status=bogus", &cookie).await;
    assert_eq!(page.status(), 400);
    let html = page.text().await.unwrap();
    assert!(html.contains("is not an invoice status filter"), "{html}");
    let page = app
        .get_with_cookie("/invoices?status=overdue", &cookie)
        .await;
    assert_eq!(page.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_in_pages_and_api_answers_are_never_stored() {
    let app = spawn_app().await;
    let cookie = app.sign_in("ada@example.com").await;
    for path in ["/dashboard", "/invoices", "/account"] {
        let page = app.get_with_cookie(path, &cookie).await;
        assert_eq!(page.status(), 200, "{path}");
        assert_eq!(page.headers()["cache-control"], "no-store", "{path}");
    }
    let api = app.post_with_cookie("/api/auth/me", &cookie).await;
    assert_eq!(api.headers()["cache-control"], "no-store");
    let refused = app.call("/api/account/sessions", &[]).await;
    assert_eq!(refused.status(), 401);
    assert_eq!(refused.headers()["cache-control"], "no-store");
    // Hashed bundle files keep their year-long cache.
    let bundle = app
        .http
        .get(app.url("/pkg/paytrack.0123abcd.css"))
        .send()
        .await
        .unwrap();
    assert!(
        bundle.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_production_over_https_browsers_get_hsts_and_a_host_only_cookie() {
    let app = spawn_app_with(
        &test_mongodb_uri(),
        &[
            ("PAYTRACK_ENV", "production"),
            ("PAYTRACK_BASE_URL", "https://paytrack.example.com"),
            (
                "PAYTRACK_EMAIL_FROM",
                "PayTrack <billing@paytrack.example.com>",
            ),
            ("RESEND_API_KEY", "re_test_not_used"),
            ("RESEND_BASE_URL", "http://127.0.0.1:9"),
        ],
    )
    .await;
    let landing = app.http.get(app.url("/")).send().await.unwrap();
    assert_eq!(
        landing.headers()["strict-transport-security"],
        "max-age=31536000"
    );

    // A session is found only under the __Host- name: a cookie a sibling subdomain could set
    // under the plain name is not a session.
    let user = paytrack::server::db::users::find_or_create(
        &app.db,
        paytrack::server::db::users::NewUser {
            email: "ada@example.com",
            name: "Ada",
            time_zone: "UTC",
        },
    )
    .await
    .unwrap()
    .0;
    let origin = paytrack::server::auth::session::Origin {
        user_agent: "test".into(),
        ip: "127.0.0.1".into(),
        method: "email_link",
    };
    let id = paytrack::server::auth::session::start(&app.db, user.id, origin, DateTime::now())
        .await
        .unwrap();
    let me = |cookie: String| {
        let request = app
            .http
            .post(app.url("/api/auth/me"))
            .header("cookie", cookie);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    assert_eq!(
        me(format!("__Host-paytrack_session={id}")).await["email"],
        "ada@example.com"
    );
    assert_eq!(me(format!("paytrack_session={id}")).await, Value::Null);

    let signed_out = app
        .http
        .post(app.url("/auth/sign-out"))
        .header("cookie", format!("__Host-paytrack_session={id}"))
        .send()
        .await
        .unwrap();
    let cleared = signed_out.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cleared.starts_with("__Host-paytrack_session=;"),
        "{cleared}"
    );
    assert!(
        cleared.contains("Secure") && cleared.contains("Path=/"),
        "{cleared}"
    );
    assert_eq!(
        me(format!("__Host-paytrack_session={id}")).await,
        Value::Null
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_privacy_policy_names_the_configured_contact_address() {
    let app = spawn_app().await;
    let res = app.http.get(app.url("/privacy")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains(&format!("mailto:{CONTACT_EMAIL}")), "{html}");
    for processor in ["Stripe", "Resend", "Crisp", "MongoDB Atlas"] {
        assert!(html.contains(processor), "privacy policy lacks {processor}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_retention_the_privacy_policy_states_is_a_ttl_index() {
    use futures::TryStreamExt;
    let app = spawn_app().await;
    let html = app.get_text("/privacy").await;
    for retention in paytrack::domain::retention::LIMITED {
        assert!(html.contains(retention.what), "{}", retention.what);
        assert!(html.contains(retention.kept), "{}", retention.kept);
        let indexes: Vec<mongodb::IndexModel> = app
            .db
            .collection::<mongodb::bson::Document>(retention.collection)
            .list_indexes()
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        assert!(
            indexes
                .iter()
                .any(|i| i.options.as_ref().is_some_and(|o| o.expire_after.is_some())),
            "{} promises a retention but has no TTL index",
            retention.collection
        );
    }
    // What the page says about sessions and Crisp is what the code does.
    assert!(html.contains("IP address and browser"));
    assert!(html.contains("Nothing of Crisp loads until you press"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_paths_get_the_styled_404_page() {
    let app = spawn_app().await;
    // Names no file system could hold (a 256-byte name, plain or percent-encoded; a path
    // longer than Linux's 4,096 bytes) are missing too, not a server error.
    let long_name = "n".repeat(256);
    let encoded_name = "%6E".repeat(256);
    let long_path = format!("/{}", vec!["d".repeat(200); 21].join("/"));
    for path in [
        "/no/such/page",
        "/pkg/missing.js",
        "/privacy/extra",
        &format!("/{long_name}"),
        &format!("/{encoded_name}"),
        &format!("/pkg/{long_name}.js"),
        &long_path,
    ] {
        let res = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 404, "{path}");
        assert!(
            res.headers().get("cache-control").is_none()
                || !res.headers()["cache-control"]
                    .to_str()
                    .unwrap()
                    .contains("max-age"),
            "a 404 must not be cached: {path}"
        );
        let body = res.text().await.unwrap();
        if !path.starts_with("/pkg/") {
            assert!(body.contains("We couldn"), "{path}: {body}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_asked_for_with_a_trailing_slash_moves_to_its_address() {
    let app = spawn_app().await;
    for (path, to) in [
        ("/privacy/", "/privacy"),
        ("/terms//", "/terms"),
        ("/invoices/?status=overdue", "/invoices?status=overdue"),
    ] {
        let res = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 308, "{path}");
        assert_eq!(res.headers()["location"], to, "{path}");
    }
    let res = app.http.get(app.url("/privacy")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    // Never towards another site, and never for a form's post.
    for path in ["//evil.example/", "/%5Cevil.example/"] {
        let res = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 404, "{path}");
        assert!(res.headers().get("location").is_none(), "{path}");
    }
    let res = app.http.post(app.url("/privacy/")).send().await.unwrap();
    assert_ne!(res.status(), 308);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn site_info_exposes_only_public_settings() {
    let app = spawn_app().await;
    let res = app.call("/api/site/info", &[]).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({ "contact_email": CONTACT_EMAIL, "dev_outbox": true, "google_sign_in": false, "free_limits": null, "pro_prices": null })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_server_functions_are_a_clear_client_error() {
    let app = spawn_app().await;
    let res = app.call("/api/site/no-such-function", &[]).await;
    assert_eq!(res.status(), 404);
    // The shape of every error under /api/: a server function's, so one reader reads them all.
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({ "NotFound": "There is no PayTrack API endpoint at this address." })
    );
}
