//! Reconciliation: without a webhook, a pass asks Stripe about a sent invoice's payment on a
//! schedule, backs off when Stripe limits the rate, and finds it paid. With many payments to
//! ask about, a pass checks a few side by side (each check mostly waits on Stripe), and passes
//! running at the same moment — as every server runs its own — share the payments due instead
//! of each asking Stripe about every one.

use std::time::Duration;

use mongodb::bson::DateTime;
use paytrack::server::db::minutes_after;
use paytrack::server::jobs::reconcile::pass;

use crate::stripe_connect::app_with_stripe;
use crate::stripe_payments::{outbox, send_one};
use crate::stripe_stand_in::StripeStandIn;

fn later(minutes: i64) -> DateTime {
    minutes_after(DateTime::now(), minutes)
}

/// How many times PayTrack has asked Stripe about a payment link's checkouts.
fn payment_looks(stripe: &StripeStandIn) -> usize {
    stripe
        .received()
        .iter()
        .filter(|r| r.method == "GET" && r.path == "/v1/checkout/sessions")
        .count()
}

#[tokio::test]
async fn payments_are_checked_side_by_side_and_passes_at_once_share_them() {
    let (app, stripe) = crate::stripe_connect::app_with_stripe().await;
    let user = app.user("many-links@example.com").await;
    let connected = user
        .connect_stripe("rk_test_51nowebhooksManyLinks00000001")
        .await;
    assert_eq!(connected["Connected"]["webhook"], "Missing");
    let client = user.client("Globex").await;
    for _ in 0..8 {
        send_one(&user, &client).await;
    }
    assert_eq!(stripe.most_at_once(), 1, "sending asks one thing at a time");
    stripe.set_latency(Duration::from_millis(150));

    // Each link's first look is ten minutes after sending: all eight in one pass.
    let report = pass(&app.state, later(11)).await.unwrap();
    assert_eq!((report.checked, report.deferred), (8, 0), "{report:?}");
    assert_eq!(payment_looks(&stripe), 8);
    let at_once = stripe.most_at_once();
    assert!((2..=4).contains(&at_once), "{at_once} checked at once");

    // Fifteen minutes on, two passes at the same moment (two servers' timers): each payment
    // is asked about once between them.
    let at = later(27);
    let (first, second) = tokio::join!(pass(&app.state, at), pass(&app.state, at));
    let (first, second) = (first.unwrap(), second.unwrap());
    assert_eq!(first.checked + second.checked, 8, "{first:?} {second:?}");
    assert_eq!(first.deferred + second.deferred, 0);
    assert_eq!(payment_looks(&stripe), 16);
    // And none is due again before its next look.
    let report = pass(&app.state, later(30)).await.unwrap();
    assert_eq!(report.checked, 0, "{report:?}");
    assert_eq!(payment_looks(&stripe), 16);
}

#[tokio::test]
async fn without_a_webhook_reconciliation_finds_the_payment_and_backs_off_on_rate_limits() {
    let (app, stripe) = app_with_stripe().await;
    let user = app.user("polling@example.com").await;
    let connected = user
        .connect_stripe("rk_test_51nowebhooksPollingKey222233")
        .await;
    assert_eq!(connected["Connected"]["webhook"], "Missing");
    let client = user.client("Wayne Enterprises").await;
    let sent = send_one(&user, &client).await;

    // Nothing is due yet: the first look is ten minutes after sending.
    let report = pass(&app.state, DateTime::now()).await.unwrap();
    assert_eq!(report.checked, 0);

    // Still unpaid: looked at, and the next look is 15 minutes on.
    let report = pass(&app.state, later(11)).await.unwrap();
    assert_eq!((report.checked, report.paid), (1, 0));

    // The client pays; no webhook arrives (none is registered).
    stripe.pay(&sent.link, "paid").await.unwrap();
    assert_eq!(
        user.invoice(&sent.id).await.body["document"]["status"],
        "Open"
    );

    // A rate limit defers the check.
    stripe.fail_next(
        3,
        429,
        "rate_limit_error",
        Some("rate_limit"),
        "Too many requests",
    );
    let report = pass(&app.state, later(30)).await.unwrap();
    assert_eq!((report.checked, report.deferred), (0, 1));
    assert_eq!(
        user.invoice(&sent.id).await.body["document"]["status"],
        "Open"
    );
    // Not again within the backoff…
    let report = pass(&app.state, later(31)).await.unwrap();
    assert_eq!(report.checked + report.deferred, 0);
    // …then found paid, with the same confirmations as from a webhook, and never looked at again.
    let report = pass(&app.state, later(45)).await.unwrap();
    assert_eq!((report.checked, report.paid), (1, 1));
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "Paid");
    assert_eq!(outbox(&app, "got_paid").await.len(), 1);
    let report = pass(&app.state, later(24 * 60)).await.unwrap();
    assert_eq!(report.checked, 0);
}
