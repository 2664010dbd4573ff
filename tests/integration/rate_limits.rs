//! What costs PayTrack or a third party work is limited per user (or, before sign-in, per
//! address): past the limit the answer is 429 with `Retry-After`, and nothing more happens.

use mongodb::bson::{Document, doc};
use paytrack::server::limits::rate;
use serde_json::{Value, json};

use crate::common::billing::Answer;
use crate::common::rate_window::start_inside_one_window;
use crate::common::spawn_app;

fn assert_limited(answer: &Answer, says: &str) {
    assert_eq!(answer.status, 429, "{}", answer.body);
    let message = answer.body["TooManyRequests"][0].as_str().unwrap();
    assert!(
        message.contains(says) && message.contains("try again"),
        "{message}"
    );
    let seconds = answer.body["TooManyRequests"][1].as_u64().unwrap();
    assert!((1..=3600).contains(&seconds), "{seconds}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pasting_stripe_keys_is_limited_and_a_refused_paste_never_reaches_stripe() {
    let (app, stripe) = crate::stripe_connect::app_with_stripe().await;
    let user = app.user("ada@example.com").await;
    let other = app.user("grace@example.com").await;
    start_inside_one_window(rate::STRIPE_KEY.window).await;
    for i in 0..10 {
        let guess = format!("sk_test_51GuessingSomeonesKey{i:06}abcd");
        let answer = user.form("/api/stripe/connect", &[("key", &guess)]).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    let calls = stripe.received().len();
    let refused = user
        .form(
            "/api/stripe/connect",
            &[("key", "sk_test_51GuessingSomeonesKey999999abcd")],
        )
        .await;
    assert_limited(&refused, "Stripe keys");
    assert_eq!(stripe.received().len(), calls, "Stripe was not asked");
    // A malformed key is refused before anything is counted or asked.
    let malformed = user.form("/api/stripe/connect", &[("key", "nope")]).await;
    assert_eq!(malformed.status, 200, "{}", malformed.body);
    // Another user has their own budget.
    let theirs = other
        .form(
            "/api/stripe/connect",
            &[("key", "sk_test_51GuessingSomeonesKey000000abcd")],
        )
        .await;
    assert_eq!(theirs.status, 200, "{}", theirs.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_checkout_and_the_portal_is_limited() {
    let billing = crate::plans::app_with_billing().await;
    let user = billing.app.user("buyer@example.com").await;
    start_inside_one_window(rate::BILLING_SESSION.window).await;
    for i in 0..10 {
        let interval = if i % 2 == 0 { "month" } else { "year" };
        let answer = user
            .form("/api/billing/checkout", &[("interval", interval)])
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    let calls = billing.stripe.received().len();
    assert_limited(
        &user
            .form("/api/billing/checkout", &[("interval", "month")])
            .await,
        "billing pages",
    );
    // The portal shares the budget (it, too, opens a session at Stripe).
    billing
        .app
        .db
        .collection::<Document>("users")
        .update_one(
            doc! { "email": "buyer@example.com" },
            doc! { "$set": { "billing": {
                "customer_id": "cus_test", "updated_at": mongodb::bson::DateTime::now(),
            } } },
        )
        .await
        .unwrap();
    crate::common::seen_by_every_server().await;
    assert_limited(
        &user.form("/api/billing/portal", &[]).await,
        "billing pages",
    );
    assert_eq!(billing.stripe.received().len(), calls);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starting_google_sign_in_is_limited_per_address() {
    let (app, _google) =
        crate::google::app_with_google(crate::google::profile("ada@gmail.com", true)).await;
    let start = || app.http.get(app.url("/auth/google/start")).send();
    start_inside_one_window(rate::GOOGLE_START.window).await;
    for _ in 0..30 {
        assert_eq!(start().await.unwrap().status(), 303);
    }
    assert_eq!(app.count("oauth_states", doc! {}).await, 30);
    let refused = start().await.unwrap();
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Too many Google sign-ins")
    );
    assert_eq!(
        app.count("oauth_states", doc! {}).await,
        30,
        "a refused start stores nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saving_the_profile_or_the_reminder_policy_is_limited() {
    let app = spawn_app().await;
    let user = app.user("ada@example.com").await;
    let profile = [
        ("name", "Ada"),
        ("time_zone", "Europe/Paris"),
        ("invoice_prefix", "INV-"),
    ];
    start_inside_one_window(rate::SETTINGS_SAVE.window).await;
    for _ in 0..30 {
        assert_eq!(
            user.form("/api/account/profile", &profile).await.status,
            200
        );
    }
    let refused = user
        .form(
            "/api/account/profile",
            &[
                ("name", "Someone else"),
                ("time_zone", "UTC"),
                ("invoice_prefix", "INV-"),
            ],
        )
        .await;
    assert_limited(&refused, "profile");
    let me: Value = user.form("/api/auth/me", &[]).await.body;
    assert_eq!(me["name"], "Ada", "the refused save changed nothing");

    let policy = json!({ "send_hour": "9", "steps": [
        { "offset_days": "3", "subject": "Reminder", "body": "Please pay {{amount_due}}." },
    ]});
    start_inside_one_window(rate::SETTINGS_SAVE.window).await;
    for _ in 0..30 {
        let answer = user.json("/api/reminders/save", policy.clone()).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    let changed = json!({ "send_hour": "10", "steps": [
        { "offset_days": "3", "subject": "Reminder", "body": "Please pay {{amount_due}}." },
    ]});
    assert_limited(
        &user.json("/api/reminders/save", changed).await,
        "reminder settings",
    );
    let settings = user.form("/api/reminders/settings", &[]).await;
    assert_eq!(
        settings.body["send_hour"], 9,
        "the refused save changed nothing"
    );
}
