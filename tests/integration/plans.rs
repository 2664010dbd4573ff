//! PayTrack's own plans, against the Stripe stand-in playing PayTrack's Stripe account:
//! Checkout to upgrade, billing webhooks (signed with the library's test-header helper) moving
//! the plan, and account deletion canceling first. Free's limits: `free_limits.rs`; chasing
//! after a downgrade: `free_plan_chasing.rs`.

use reqwest::header::COOKIE;
use serde_json::{Value, json};

use crate::common::billing::{Answer, User, client_input};
use crate::common::sign_in::location;
use crate::common::{TestApp, markup, spawn_app_with, test_mongodb_uri};
use crate::stripe_stand_in::StripeStandIn;
use paytrack::api::clients::CreateClient;

/// PayTrack's own key (the stand-in makes it its own account).
pub(crate) const PAYTRACK_KEY: &str = "sk_test_51PayTrackOwnBillingAccount01";

pub(crate) struct Billing {
    pub app: TestApp,
    pub stripe: StripeStandIn,
    secret: String,
    /// Where the Stripe stand-in answers.
    pub base: String,
}

pub(crate) async fn app_with_billing() -> Billing {
    start_billing(true).await
}

/// `priced`: whether the operator has made Pro's two prices in the dashboard yet.
async fn start_billing(priced: bool) -> Billing {
    let stripe = StripeStandIn::new();
    if priced {
        stripe.add_price(PAYTRACK_KEY, "price_pro_monthly", "eur", 1200, "month");
        stripe.add_price(PAYTRACK_KEY, "price_pro_yearly", "eur", 12000, "year");
    }
    let base = stripe.serve(0).await;
    let secret = format!("whsec_{}", mongodb::bson::oid::ObjectId::new().to_hex());
    let app = spawn_app_with(
        &test_mongodb_uri(),
        &[
            ("STRIPE_API_BASE", base.as_str()),
            ("STRIPE_SECRET_KEY", PAYTRACK_KEY),
            ("STRIPE_WEBHOOK_SECRET", secret.as_str()),
            ("STRIPE_PRICE_PRO_MONTHLY", "price_pro_monthly"),
            ("STRIPE_PRICE_PRO_YEARLY", "price_pro_yearly"),
        ],
    )
    .await;
    // The operator added PayTrack's billing webhook in the dashboard.
    stripe.add_endpoint(PAYTRACK_KEY, &app.url("/webhooks/stripe/billing"), &secret);
    Billing {
        app,
        stripe,
        secret,
        base,
    }
}

impl User<'_> {
    pub(crate) async fn billing(&self) -> Value {
        self.form("/api/billing", &[]).await.body
    }

    pub(crate) async fn new_client(&self, name: &str) -> Answer {
        self.call(&CreateClient {
            input: client_input(name),
        })
        .await
    }

    /// Goes to Checkout and pays; returns the subscription id.
    pub(crate) async fn upgrade(&self, stripe: &StripeStandIn, interval: &str) -> String {
        let url = self
            .form("/api/billing/checkout", &[("interval", interval)])
            .await;
        assert_eq!(url.status, 200, "{}", url.body);
        let session = url
            .body
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        let event = stripe.pay(&session, "paid").await.unwrap();
        assert_eq!(event["type"], "checkout.session.completed");
        event["data"]["object"]["subscription"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

async fn site_info(app: &TestApp) -> Value {
    app.call("/api/site/info", &[]).await.json().await.unwrap()
}

/// Whether PayTrack has asked Stripe for Pro's monthly price (read in the background).
fn asked_for_prices(stripe: &StripeStandIn) -> bool {
    stripe
        .received()
        .iter()
        .any(|r| r.method == "GET" && r.path.ends_with("/price_pro_monthly"))
}

#[tokio::test]
async fn the_plans_show_pros_prices_as_stripe_has_them() {
    let Billing { app, stripe, .. } = app_with_billing().await;
    let mut info = site_info(&app).await;
    for _ in 0..100 {
        if !info["pro_prices"].is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        info = site_info(&app).await;
    }
    assert_eq!(
        info["pro_prices"],
        json!({
            "monthly": { "minor": 1200, "currency": "EUR" },
            "yearly": { "minor": 12000, "currency": "EUR" },
        })
    );
    // Read once, not per page: the pages below ask Stripe nothing more.
    let reads = stripe.received().len();
    for page in ["/pricing", "/"] {
        let html = markup(&app.get_text(page).await);
        assert!(html.contains("€12.00 a month"), "{page}");
        assert!(html.contains("€120.00 a year (save 16%)"), "{page}");
        assert!(
            html.contains("Taxes, where they apply, are added"),
            "{page}"
        );
    }
    let user = app.user("shopper@example.com").await;
    assert_eq!(user.billing().await["prices"], info["pro_prices"]);
    assert_eq!(stripe.received().len(), reads);
}

#[tokio::test]
async fn before_stripe_has_the_prices_the_plans_say_checkout_shows_them() {
    let Billing { app, stripe, .. } = start_billing(false).await;
    for _ in 0..100 {
        if asked_for_prices(&stripe) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(asked_for_prices(&stripe));
    assert_eq!(stripe.received()[0].status, 404);
    // Its answer handled, nothing is shown: no price PayTrack cannot vouch for.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let info = site_info(&app).await;
    assert!(info["pro_prices"].is_null(), "{info}");
    let html = markup(&app.get_text("/pricing").await);
    assert!(html.contains("Prices and taxes are shown on Stripe's checkout page"));
    assert!(html.contains("Monthly or yearly"));
    assert!(!html.contains("a year"));
    // Checkout itself still works: the price is Stripe's to show there.
    let user = app.user("early@example.com").await;
    let url = user
        .form("/api/billing/checkout", &[("interval", "month")])
        .await;
    assert_eq!(url.status, 200, "{}", url.body);
}

#[tokio::test]
async fn checkout_is_one_session_per_click_and_carries_the_user() {
    let Billing { app, stripe, .. } = app_with_billing().await;
    let user = app.user("buyer@example.com").await;
    let first = user
        .form("/api/billing/checkout", &[("interval", "year")])
        .await;
    let second = user
        .form("/api/billing/checkout", &[("interval", "year")])
        .await;
    assert_eq!(first.body, second.body, "a double click is one session");
    let account = StripeStandIn::account_of(PAYTRACK_KEY);
    let sessions = stripe.objects("checkout.session", &account);
    assert_eq!(sessions.len(), 1);
    let session = &sessions[0];
    assert_eq!(session["mode"], "subscription");
    assert_eq!(session["__price"], "price_pro_yearly");
    assert_eq!(session["customer_email"], "buyer@example.com");
    assert!(session["client_reference_id"].as_str().unwrap().len() == 24);
    assert_eq!(
        session["__sub_metadata"]["paytrack_user"],
        session["client_reference_id"]
    );
    let weekly = user
        .form("/api/billing/checkout", &[("interval", "weekly")])
        .await;
    assert_eq!(weekly.status, 400, "{}", weekly.body);
    assert!(
        weekly.body.to_string().contains("weekly"),
        "{}",
        weekly.body
    );
    // No customer yet: nothing to manage.
    assert_eq!(user.form("/api/billing/portal", &[]).await.status, 422);
}

#[tokio::test]
async fn the_subscriptions_life_moves_the_plan_and_old_events_cannot_undo_it() {
    let Billing {
        app,
        stripe,
        secret,
        ..
    } = app_with_billing().await;
    let user = app.user("subscriber@example.com").await;
    let subscription = user.upgrade(&stripe, "year").await;
    assert_eq!(user.billing().await["interval"], "year");

    // A renewal fails: past due, still Pro, and the page can offer the portal.
    let failed = stripe.pay(&subscription, "fail").await.unwrap();
    assert_eq!(failed["type"], "invoice.payment_failed");
    let overview = user.billing().await;
    assert_eq!(
        (overview["status"].as_str(), overview["plan"].as_str()),
        (Some("past_due"), Some("pro"))
    );
    let portal = user.form("/api/billing/portal", &[]).await;
    assert!(
        portal
            .body
            .as_str()
            .unwrap()
            .starts_with("https://billing.stripe.com/"),
        "{}",
        portal.body
    );

    // Paid after all.
    stripe.pay(&subscription, "renew").await.unwrap();
    assert_eq!(user.billing().await["status"], "active");

    // Canceled at the period's end: still Pro until then.
    stripe
        .pay(&subscription, "cancel_at_period_end")
        .await
        .unwrap();
    let overview = user.billing().await;
    assert_eq!(overview["cancel_at_period_end"], true);
    assert_eq!(overview["plan"], "pro");
    assert!(overview["period_end"].is_string());

    // Ended: canceled, with the paid period still running, so Pro until it ends.
    let ended = stripe.pay(&subscription, "end").await.unwrap();
    assert_eq!(ended["type"], "customer.subscription.deleted");
    let overview = user.billing().await;
    assert_eq!(overview["status"], "canceled");
    assert_eq!(overview["plan"], "pro");

    // The first "subscription created" event again, late: the subscription is read anew from
    // Stripe, so it stays canceled. A replay of an event already handled changes nothing.
    let account = StripeStandIn::account_of(PAYTRACK_KEY);
    let created = stripe
        .objects("event", &account)
        .into_iter()
        .find(|e| e["type"] == "customer.subscription.created")
        .unwrap();
    let url = app.url("/webhooks/stripe/billing");
    let mut late = created.clone();
    late["id"] = json!("evt_late_redelivery_0001");
    assert_eq!(stripe.deliver(&url, &secret, &late).await, 200);
    assert_eq!(stripe.deliver(&url, &secret, &created).await, 200);
    assert_eq!(user.billing().await["status"], "canceled");

    // Signed with another secret, or stale: refused.
    assert_eq!(
        stripe.deliver(&url, "whsec_notPayTracks01", &late).await,
        400
    );
    let payload = late.to_string();
    let stale = stripe_webhook::Webhook::generate_test_header(
        &payload,
        &secret,
        Some(jiff::Timestamp::now().as_second() - 3600),
    );
    let response = app
        .http
        .post(&url)
        .header("stripe-signature", stale)
        .body(payload)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
}

#[tokio::test]
async fn deleting_an_account_cancels_its_subscription_first() {
    let Billing { app, stripe, .. } = app_with_billing().await;
    let user = app.user("leaving@example.com").await;
    let subscription = user.upgrade(&stripe, "month").await;
    let delete = |user: &User<'_>| {
        let request = app
            .http
            .post(app.url("/account/delete"))
            .header(COOKIE, format!("paytrack_session={}", user.cookie))
            .form(&[("confirm", "leaving@example.com")]);
        async move { request.send().await.unwrap() }
    };

    // Stripe unreachable: the account stays (it could still be charged).
    stripe.fail_next(3, 500, "api_error", None, "Stripe is down");
    let kept = delete(&user).await;
    assert_eq!(location(&kept), "/account?problem=billing#delete");
    assert_eq!(app.me(&user.cookie).await.0["email"], "leaving@example.com");
    assert_eq!(stripe.object(&subscription).unwrap()["status"], "active");

    let gone = delete(&user).await;
    assert_eq!(location(&gone), "/account/deleted");
    assert_eq!(stripe.object(&subscription).unwrap()["status"], "canceled");
}

#[tokio::test]
async fn without_billing_nothing_is_limited_and_the_webhook_is_off() {
    let app = crate::common::spawn_app().await;
    let user = app.user("selfhosted@example.com").await;
    for name in ["A", "B", "C", "D"] {
        user.client(name).await;
    }
    let overview = user.billing().await;
    assert_eq!(overview["enabled"], false);
    assert_eq!(overview["plan"], "pro");
    assert_eq!(
        user.form("/api/billing/checkout", &[("interval", "month")])
            .await
            .status,
        422
    );
    let response = app
        .http
        .post(app.url("/webhooks/stripe/billing"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
}
