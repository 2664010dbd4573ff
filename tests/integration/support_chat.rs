//! The Content-Security-Policy of pages and the Crisp support chat: every page carries a
//! policy whose nonce is the one on its scripts; Crisp's origins are in it, and the chat is
//! offered to signed-in users, only when a Crisp website id is configured.

use crate::common::{spawn_app, spawn_app_with, test_mongodb_uri};

const WEBSITE: &str = "8c2b1c1e-0f3a-4d6b-9e1f-2a3b4c5d6e7f";

/// The page's policy and the nonces on its scripts.
async fn page(app: &crate::common::TestApp, path: &str) -> (String, Vec<String>, String) {
    let response = app.http.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let html = response.text().await.unwrap();
    let nonces = html
        .split("nonce=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect();
    (csp, nonces, html)
}

#[tokio::test]
async fn pages_allow_only_their_own_scripts_and_no_third_party_without_crisp() {
    let app = spawn_app().await;
    let (csp, nonces, html) = page(&app, "/").await;
    assert!(!nonces.is_empty(), "the hydration scripts carry a nonce");
    assert!(nonces.iter().all(|n| n == &nonces[0]));
    assert!(csp.contains(&format!("'nonce-{}'", nonces[0])), "{csp}");
    assert!(csp.contains("default-src 'self'"));
    assert!(
        !csp.contains("crisp") && !html.contains("crisp.chat"),
        "{csp}"
    );
    // A new page, a new nonce.
    let (again, _, _) = page(&app, "/").await;
    assert_ne!(again, csp);

    let cookie = app.sign_in("nochat@example.com").await;
    assert_eq!(
        app.me(&cookie).await.0["support_chat"],
        serde_json::Value::Null
    );
}

#[tokio::test]
async fn with_a_crisp_website_the_policy_allows_exactly_crisp_and_signed_in_users_get_the_chat() {
    let app = spawn_app_with(&test_mongodb_uri(), &[("CRISP_WEBSITE_ID", WEBSITE)]).await;
    let (csp, _, html) = page(&app, "/privacy").await;
    assert!(csp.contains("script-src 'self' 'nonce-"), "{csp}");
    assert!(csp.contains("https://client.crisp.chat"), "{csp}");
    assert!(csp.contains("wss://client.relay.crisp.chat"), "{csp}");
    assert!(!csp.contains("*.crisp.chat"), "{csp}");
    // The script itself is added by the browser for signed-in users only.
    assert!(!html.contains("client.crisp.chat/l.js"));
    let cookie = app.sign_in("chat@example.com").await;
    assert_eq!(app.me(&cookie).await.0["support_chat"], WEBSITE);
}
