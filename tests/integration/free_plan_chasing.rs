//! Chasing after a downgrade to Free: the saved reminder policy stays, but only the steps Free
//! allows are sent, by the engine and by the one-shot pass alike.

use serde_json::{Value, json};

use crate::common::billing::{User, invoice_input};
use crate::common::chasing::sent_invoice;
use crate::common::resend::ResendStandIn;
use crate::common::{TestApp, test_mongodb_uri};
use crate::plans::{Billing, PAYTRACK_KEY, app_with_billing};
use crate::stripe_stand_in::StripeStandIn;

/// A user who saved five reminder steps on Pro and is back on Free.
async fn downgraded_with_five_steps<'a>(app: &'a TestApp, stripe: &StripeStandIn) -> User<'a> {
    let user = app.user("downgraded@example.com").await;
    user.upgrade(stripe, "month").await;
    let steps: Vec<Value> = [0, 3, 7, 14, 21]
        .iter()
        .map(|offset| json!({ "offset_days": offset.to_string(), "subject": "Invoice {{invoice_number}}", "body": "Please pay {{pay_link}}" }))
        .collect();
    let saved = user
        .json(
            "/api/reminders/save",
            json!({ "send_hour": "9", "steps": steps }),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);

    // The paid period ran out (as if time had passed): Free again.
    app.db
        .collection::<mongodb::bson::Document>("users")
        .update_one(
            mongodb::bson::doc! { "email": "downgraded@example.com" },
            mongodb::bson::doc! { "$set": {
                "billing.subscription.status": "canceled",
                "billing.subscription.current_period_end": 1_000_i64,
            } },
        )
        .await
        .unwrap();
    assert_eq!(user.billing().await["plan"], "free");
    user
}

#[tokio::test]
async fn after_a_downgrade_the_saved_policy_stays_but_only_free_steps_are_chased() {
    let Billing { app, stripe, .. } = app_with_billing().await;
    let user = downgraded_with_five_steps(&app, &stripe).await;

    // A new invoice is chased with Free's two steps; the five saved steps are kept.
    let client = user.client("Tyrell").await;
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let mut input = invoice_input(&client);
    input.issue_date = today.to_string();
    let due = today.checked_add(jiff::Span::new().days(20)).unwrap();
    input.due_date = due.to_string();
    let (id, _) = user.draft_with(input).await;
    assert_eq!(user.send(&id).await.status, 200);
    let timeline = user
        .form("/api/reminders/invoice", &[("id", id.as_str())])
        .await
        .body;
    let reminders: Vec<&Value> = timeline["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["step"] != "invoice")
        .collect();
    assert_eq!(reminders.len(), 2, "{timeline}");
    let form = user.form("/api/reminders/settings", &[]).await.body;
    assert_eq!(form["steps"].as_array().unwrap().len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_one_shot_pass_chases_free_with_free_steps_only() {
    let Billing {
        app, stripe, base, ..
    } = app_with_billing().await;
    let (resend, stand_in) = ResendStandIn::start().await;
    let user = downgraded_with_five_steps(&app, &stripe).await;
    let client = user.client("Tyrell").await;
    let id = sent_invoice(&user, &client, 1).await;

    // A month later, as a cron job would run it: of Free's two steps (the due date and three
    // days after), the latest due goes; nothing of the saved steps at 7, 14 and 21 days.
    let month_on = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(24 * 31))
        .unwrap();
    for _ in 0..2 {
        let pass = std::process::Command::new(env!("CARGO_BIN_EXE_paytrack"))
            .args(["send-due", "--at", &month_on.to_string()])
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("RUST_LOG", "warn")
            .env("MONGODB_URI", test_mongodb_uri())
            .env("MONGODB_DATABASE", app.db.name())
            .env("PAYTRACK_BASE_URL", &app.address)
            .env("RESEND_API_KEY", "re_test_free_pass")
            .env("RESEND_BASE_URL", &resend)
            .env("STRIPE_API_BASE", &base)
            .env("STRIPE_SECRET_KEY", PAYTRACK_KEY)
            .env("STRIPE_WEBHOOK_SECRET", "whsec_free_pass")
            .env("STRIPE_PRICE_PRO_MONTHLY", "price_pro_monthly")
            .env("STRIPE_PRICE_PRO_YEARLY", "price_pro_yearly")
            .output()
            .unwrap();
        assert!(
            pass.status.success(),
            "{}",
            String::from_utf8_lossy(&pass.stderr)
        );
    }
    let reminders: Vec<String> = stand_in
        .sent_in_order()
        .into_iter()
        .filter(|key| key.starts_with(&format!("paytrack-{id}-reminder:")))
        .collect();
    assert_eq!(reminders, [format!("paytrack-{id}-reminder:3")]);
}
