//! Connecting a user's own Stripe account, against the Stripe stand-in: the key is checked
//! live before anything is saved, sealed at rest, never sent back or exported, the webhook
//! endpoint is registered when the key may, and every change sends a security notice.

use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Document, doc};
use serde_json::{Value, json};

use crate::common::billing::User;
use crate::common::{OwnDatabase, TestApp, spawn_app_with, test_mongodb_uri};
use crate::stripe_stand_in::StripeStandIn;

const KEY: &str = "rk_test_51PayTrackStandInKeyAbcd1234";
const OTHER_KEY: &str = "sk_test_51AnotherAccountEntirelyWxyz";

pub async fn app_with_stripe() -> (TestApp, StripeStandIn) {
    app_with_stripe_on(&test_mongodb_uri()).await
}

/// `app_with_stripe` on a database of its own, whose commands a test can refuse.
pub async fn app_with_stripe_on_own_database() -> (OwnDatabase, TestApp, StripeStandIn) {
    let database = OwnDatabase::start();
    let (app, stand_in) = app_with_stripe_on(&database.uri()).await;
    (database, app, stand_in)
}

async fn app_with_stripe_on(database: &str) -> (TestApp, StripeStandIn) {
    let stand_in = StripeStandIn::new();
    let base = stand_in.serve(0).await;
    let app = spawn_app_with(database, &[("STRIPE_API_BASE", base.as_str())]).await;
    (app, stand_in)
}

impl User<'_> {
    pub async fn connect_stripe(&self, key: &str) -> Value {
        let answer = self.form("/api/stripe/connect", &[("key", key)]).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer.body
    }

    pub async fn stripe_view(&self) -> Value {
        self.form("/api/stripe/connection", &[]).await.body
    }
}

async fn stored_connection(app: &TestApp) -> Document {
    app.db
        .collection::<Document>("stripe_connections")
        .find_one(doc! {})
        .await
        .unwrap()
        .expect("a connection is stored")
}

pub async fn notices(app: &TestApp, email: &str) -> Vec<String> {
    use futures::TryStreamExt;
    let mails: Vec<Document> = app
        .db
        .collection::<Document>("outbox")
        .find(doc! { "to": email, "kind": "security_notice" })
        .sort(doc! { "created_at": 1 })
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    mails
        .iter()
        .map(|m| m.get_str("text").unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_key_is_checked_live_sealed_and_never_shown_again() {
    let (app, stripe) = app_with_stripe().await;
    let user = app.user("stripe-owner@example.com").await;

    let connected = user.connect_stripe(&format!("  {KEY} ")).await;
    let view = &connected["Connected"];
    assert_eq!(view["account_name"], "Studio Test");
    assert_eq!(view["country"], "FR");
    assert_eq!(view["default_currency"], "EUR");
    assert_eq!(view["livemode"], false);
    assert_eq!(view["key_masked"], "rk_test_…1234");
    assert_eq!(view["restricted"], true);
    assert_eq!(view["webhook"], "Registered");
    assert_eq!(view["pay_with"], "payment_link");
    assert!(!connected.to_string().contains("StandInKey"), "{connected}");

    // Stripe was asked with the key itself, once for the account and once for the endpoint.
    let calls = stripe.received();
    assert_eq!(calls[0].path, "/v1/account");
    assert_eq!(calls[0].key, KEY);
    assert_eq!(calls[1].path, "/v1/webhook_endpoints");
    let hook_url = calls[1].form["url"].as_str().unwrap().to_string();
    assert!(
        hook_url.starts_with(&app.url("/webhooks/stripe/connected/")),
        "{hook_url}"
    );
    assert_eq!(view["webhook_url"], hook_url);
    assert_eq!(
        calls[1].form["enabled_events"],
        json!([
            "checkout.session.completed",
            "checkout.session.async_payment_succeeded",
            "checkout.session.async_payment_failed",
            "invoice.paid",
            "invoice.payment_failed",
            "invoice.voided",
            "charge.refunded",
            "charge.dispute.created",
            "charge.dispute.updated",
            "charge.dispute.funds_withdrawn",
            "charge.dispute.funds_reinstated",
            "charge.dispute.closed"
        ])
    );
    assert!(calls[1].idempotency_key.is_some());
    // Its events are drawn in the API version PayTrack's Stripe types read.
    assert_eq!(
        calls[1].form["api_version"],
        stripe_shared::version::VERSION.as_str()
    );

    // At rest: neither the key nor the signing secret appear in the stored document.
    let stored = stored_connection(&app).await;
    let text = format!("{stored:?}");
    assert!(!text.contains("StandInKey"), "{text}");
    assert!(!text.contains("whsec_"), "{text}");
    assert!(stored.get_document("key").unwrap().contains_key("key_id"));

    // Later reads show the same view, still without the key; the export leaves the sealed
    // values out.
    let again = user.stripe_view().await;
    assert_eq!(again["key_masked"], "rk_test_…1234");
    let export = app
        .get_with_cookie("/account/export", &user.cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        export.contains("\"key_last4\""),
        "the export lists the connection"
    );
    assert!(!export.contains("ciphertext") && !export.contains("StandInKey"));
    assert!(!export.contains("hook_id"));

    let sent = notices(&app, "stripe-owner@example.com").await;
    assert_eq!(sent.len(), 1);
    assert!(sent[0].contains("Studio Test") && sent[0].contains("ending in 1234"));
    assert!(!sent[0].contains("StandInKey"));
}

#[tokio::test]
async fn bad_keys_are_refused_with_what_to_do_and_nothing_is_saved() {
    let (app, stripe) = app_with_stripe().await;
    let user = app.user("careful@example.com").await;

    let cases = [
        ("pk_test_51Abcdefghijklmnop", "publishable key", 0),
        (
            "sk_test_51ThisKeyIsinvalidAtStripe",
            "does not recognise",
            1,
        ),
    ];
    for (key, expected, calls) in cases {
        let before = stripe.received().len();
        let answer = user.connect_stripe(key).await;
        let message = answer["Invalid"]
            .as_str()
            .unwrap_or_else(|| panic!("{answer}"));
        assert!(message.contains(expected), "{key}: {message}");
        assert!(!message.contains(&key[8..]), "{message}");
        assert_eq!(stripe.received().len() - before, calls, "{key}");
    }
    stripe.fail_next(
        3,
        429,
        "rate_limit_error",
        Some("rate_limit"),
        "Too many requests",
    );
    let answer = user.connect_stripe(KEY).await;
    assert!(
        answer["Invalid"]
            .as_str()
            .unwrap()
            .contains("Wait a minute"),
        "{answer}"
    );

    assert_eq!(user.stripe_view().await, Value::Null);
    assert_eq!(app.count("stripe_connections", doc! {}).await, 0);
    assert!(notices(&app, "careful@example.com").await.is_empty());
}

#[tokio::test]
async fn a_passing_rate_limit_is_retried_under_the_same_idempotency_key() {
    let (app, stripe) = app_with_stripe().await;
    let user = app.user("patient@example.com").await;
    user.connect_stripe(KEY).await;
    // The account check passed; now the endpoint registration meets one 429 first.
    let before = stripe.received().len();
    stripe.fail_next(
        1,
        429,
        "rate_limit_error",
        Some("rate_limit"),
        "Too many requests",
    );
    user.connect_stripe(OTHER_KEY).await;
    let calls: Vec<_> = stripe.received().into_iter().skip(before).collect();
    // The 429 hit the account check, which was retried; then the registration.
    assert_eq!(calls[0].status, 429);
    assert_eq!(calls[1].path, "/v1/account");
    assert_eq!(calls[1].status, 200);
    assert_eq!(user.stripe_view().await["key_masked"], "sk_test_…Wxyz");
}

#[tokio::test]
async fn a_key_without_webhook_permission_connects_and_the_secret_can_be_pasted() {
    let (app, _stripe) = app_with_stripe().await;
    let user = app.user("restricted@example.com").await;
    let connected = user
        .connect_stripe("rk_test_51nowebhooksRestrictedKey9876")
        .await;
    assert_eq!(connected["Connected"]["webhook"], "Missing");

    let bad = user
        .form("/api/stripe/signing-secret", &[("secret", "sk_test_nope")])
        .await;
    assert!(bad.body["Invalid"].as_str().unwrap().contains("whsec_"));
    let pasted = user
        .form(
            "/api/stripe/signing-secret",
            &[("secret", "whsec_PastedByTheUser01")],
        )
        .await;
    assert_eq!(
        pasted.body["Connected"]["webhook"], "Pasted",
        "{}",
        pasted.body
    );
    let stored = stored_connection(&app).await;
    assert!(!format!("{stored:?}").contains("PastedByTheUser"));

    let mode = user
        .form("/api/stripe/pay-with", &[("mode", "hosted_invoice")])
        .await;
    assert_eq!(mode.body["pay_with"], "hosted_invoice");
    let emails = user
        .form(
            "/api/stripe/payment-emails",
            &[("notify_paid", "true"), ("client_receipts", "false")],
        )
        .await;
    assert_eq!(emails.body["notify_paid"], true);
    assert_eq!(emails.body["client_receipts"], false);
    let wrong = user
        .form("/api/stripe/pay-with", &[("mode", "cheque")])
        .await;
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    assert!(
        wrong.body.to_string().contains("cheque"),
        "the refusal names what was sent: {}",
        wrong.body
    );
    assert_eq!(user.stripe_view().await["pay_with"], "hosted_invoice");
}

#[tokio::test]
async fn changing_and_disconnecting_tidy_up_in_stripe_and_tell_the_user() {
    let (app, stripe) = app_with_stripe().await;
    let user = app.user("mover@example.com").await;
    user.connect_stripe(KEY).await;
    let first_account = StripeStandIn::account_of(KEY);
    assert_eq!(stripe.objects("webhook_endpoint", &first_account).len(), 1);

    // Another account: the first account's endpoint is removed with the first key.
    user.connect_stripe(OTHER_KEY).await;
    let second_account = StripeStandIn::account_of(OTHER_KEY);
    assert!(
        stripe
            .objects("webhook_endpoint", &first_account)
            .is_empty()
    );
    assert_eq!(stripe.objects("webhook_endpoint", &second_account).len(), 1);

    // Someone else sees nothing of it, and cannot disconnect it.
    let stranger = app.user("stranger@example.com").await;
    assert_eq!(stranger.stripe_view().await, Value::Null);
    assert_eq!(
        stranger.form("/api/stripe/disconnect", &[]).await.status,
        200
    );
    assert_eq!(user.stripe_view().await["key_masked"], "sk_test_…Wxyz");

    assert_eq!(user.form("/api/stripe/disconnect", &[]).await.status, 200);
    assert_eq!(user.stripe_view().await, Value::Null);
    assert!(
        stripe
            .objects("webhook_endpoint", &second_account)
            .is_empty()
    );

    let sent = notices(&app, "mover@example.com").await;
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(sent[0].contains("was connected"));
    assert!(sent[1].contains("ending in Wxyz replaced the one ending in 1234"));
    assert!(sent[2].contains("disconnected"));
}

fn master_key(byte: u8) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode([byte; 32])
}

#[tokio::test]
async fn rotating_the_master_key_reseals_every_secret_once() {
    use paytrack::server::crypto::{Keyring, Purpose, Sealed};
    use paytrack::server::secret::Secret;
    use paytrack::server::stripe::reseal::{ResealReport, reseal_all};

    let stand_in = StripeStandIn::new();
    let base = stand_in.serve(0).await;
    let old = master_key(1);
    let app = spawn_app_with(
        &test_mongodb_uri(),
        &[
            ("STRIPE_API_BASE", base.as_str()),
            ("PAYTRACK_MASTER_KEY", old.as_str()),
        ],
    )
    .await;
    let user = app.user("rotation@example.com").await;
    user.connect_stripe(KEY).await;
    let stored = || async {
        app.db
            .collection::<paytrack::server::db::stripe_connections::StripeConnectionDoc>(
                "stripe_connections",
            )
            .find_one(doc! {})
            .await
            .unwrap()
            .unwrap()
    };
    let before = stored().await;

    let new =
        Keyring::from_base64(&Secret::new(master_key(2)), &[Secret::new(old.clone())]).unwrap();
    let report = reseal_all(&app.db, &new).await.unwrap();
    assert_eq!(
        report,
        ResealReport {
            resealed: 1,
            already_current: 0,
            unreadable: 0
        }
    );
    let after = stored().await;
    assert_ne!(after.key.key_id, before.key.key_id);
    assert_eq!(after.key.key_id, new.current_id());
    let webhook_secret: &Sealed = &after.webhook.as_ref().unwrap().secret;
    assert_eq!(webhook_secret.key_id, new.current_id());

    // The old key can now go: the new one alone opens both values, to what they were.
    let new_only = Keyring::from_base64(&Secret::new(master_key(2)), &[]).unwrap();
    let opened = new_only
        .open(after.user_id, Purpose::StripeKey, &after.key)
        .unwrap();
    assert_eq!(opened.expose(), KEY);
    let opened = new_only
        .open(after.user_id, Purpose::StripeWebhookSecret, webhook_secret)
        .unwrap();
    assert!(opened.expose().starts_with("whsec_"));
    // Another user's id does not open them.
    assert!(
        new_only
            .open(ObjectId::new(), Purpose::StripeKey, &after.key)
            .is_err()
    );

    let again = reseal_all(&app.db, &new).await.unwrap();
    assert_eq!(
        again,
        ResealReport {
            resealed: 0,
            already_current: 1,
            unreadable: 0
        }
    );

    // Without the old key configured, a value still under it is reported, not lost.
    let unrelated = Keyring::from_base64(&Secret::new(master_key(3)), &[]).unwrap();
    let report = reseal_all(&app.db, &unrelated).await.unwrap();
    assert_eq!(report.unreadable, 1);
    assert_eq!(stored().await.key, after.key);
}
