//! A payment link never outlives what it is for: closing it is retried until Stripe confirms,
//! and money that still arrives for a paid or voided invoice is recorded on it and told to the
//! user — never dropped. Against the Stripe stand-in, with its outages. Disconnecting:
//! `stripe_disconnect.rs`.

use mongodb::bson::DateTime;
use serde_json::Value;

use crate::stripe_connect::app_with_stripe;
use crate::stripe_payments::{KEY, TOTAL, outbox, redeliver, send_one, with_client};
use crate::stripe_stand_in::StripeStandIn;
use paytrack::server::jobs::reconcile::pass;

/// `minutes` from now, as reconciliation is told the time.
pub(crate) fn later(minutes: i64) -> DateTime {
    DateTime::from_millis(DateTime::now().timestamp_millis() + minutes * 60_000)
}

/// Stripe answers the next `calls` requests (each retried twice by PayTrack) with a 503.
pub(crate) fn outage(stripe: &StripeStandIn, calls: usize) {
    stripe.fail_next(calls * 3, 503, "api_error", None, "Stripe is down");
}

pub(crate) fn link_active(stripe: &StripeStandIn, link: &str) -> bool {
    stripe.object(link).unwrap()["active"] == true
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_that_would_not_close_is_closed_later_and_money_through_it_is_paid_twice() {
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "voider@example.com", KEY, "Hooli").await;
    let sent = send_one(&user, &client).await;

    // Stripe is down when the invoice is voided: the void stands, the link is still open.
    outage(&stripe, 1);
    let void = user.form("/api/invoices/void", &[("id", &sent.id)]).await;
    assert_eq!(void.status, 200, "{}", void.body);
    assert!(link_active(&stripe, &sent.link));

    // The client pays through it meanwhile; the webhook reports it.
    stripe.pay(&sent.link, "paid").await.unwrap();
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "Void");
    let extra = invoice["extra_payments"].as_array().unwrap();
    assert_eq!(extra.len(), 1, "{invoice}");
    assert_eq!(extra[0]["amount"]["minor"], TOTAL);
    let told = outbox(&app, "paid_twice").await;
    assert_eq!(told.len(), 1);
    assert!(told[0].get_str("text").unwrap().contains("was voided"));
    assert!(
        told[0]
            .get_str("subject")
            .unwrap()
            .starts_with("Paid twice")
    );

    // Within a minute or two reconciliation closes the link, and then leaves it alone.
    let report = pass(&app.state, later(2)).await.unwrap();
    assert_eq!(report.changed, 1, "{report:?}");
    assert!(!link_active(&stripe, &sent.link));
    assert_eq!(pass(&app.state, later(24 * 60)).await.unwrap().checked, 0);
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(
        invoice["extra_payments"].as_array().unwrap().len(),
        1,
        "the same payment, seen again when closing, is noted once"
    );
    assert_eq!(outbox(&app, "paid_twice").await.len(), 1);
    let activity = user
        .json("/api/dashboard", serde_json::json!({}))
        .await
        .body;
    assert!(activity.to_string().contains("Paid twice"), "{activity}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paid_by_hand_then_through_stripe_is_noted_not_counted_twice() {
    let (app, stripe) = app_with_stripe().await;
    let user = app.user("hand@example.com").await;
    // No webhook: only reconciliation can see Stripe's side.
    user.connect_stripe("rk_test_51nowebhooksHandPaidKey44556")
        .await;
    let client = user.client("Initech").await;
    let sent = send_one(&user, &client).await;

    outage(&stripe, 1);
    let paid = user.pay(&sent.id, "201.56").await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    assert!(link_active(&stripe, &sent.link), "the close failed");
    stripe.pay(&sent.link, "paid").await.unwrap();

    let report = pass(&app.state, later(2)).await.unwrap();
    assert_eq!(report.changed, 1, "{report:?}");
    assert!(!link_active(&stripe, &sent.link));
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "Paid");
    assert_eq!(
        invoice["document"]["totals"]["paid"]["minor"], TOTAL,
        "counted once"
    );
    assert_eq!(invoice["extra_payments"].as_array().unwrap().len(), 1);
    let told = outbox(&app, "paid_twice").await;
    assert_eq!(told.len(), 1);
    assert!(told[0].get_str("text").unwrap().contains("already paid"));
}

#[tokio::test]
async fn a_payment_typed_while_a_bank_debit_settles_leaves_the_debit_tracked_and_its_excess_noted()
{
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "typed-debit@example.com", KEY, "Initech").await;
    let sent = send_one(&user, &client).await;
    let completed = stripe.pay(&sent.link, "processing").await.unwrap();
    let session = completed["data"]["object"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    // 50.00 arrives by bank transfer meanwhile: the link the debit runs through stays.
    let typed = user.pay(&sent.id, "50").await;
    assert_eq!(typed.status, 200, "{}", typed.body);
    assert!(link_active(&stripe, &sent.link));

    // The debit settles for the whole amount: what was owed is paid, the rest is the client's.
    stripe.pay(&session, "succeeded").await.unwrap();
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "Paid", "{invoice}");
    assert_eq!(invoice["document"]["totals"]["paid"]["minor"], TOTAL);
    let extra = invoice["extra_payments"].as_array().unwrap();
    assert_eq!(extra.len(), 1, "{invoice}");
    assert_eq!(extra[0]["amount"]["minor"], 5_000);
    assert_eq!(outbox(&app, "paid_twice").await.len(), 1);
}

/// The payment links of the test account that still take payments.
fn active_links(stripe: &StripeStandIn) -> Vec<String> {
    stripe
        .objects("payment_link", &StripeStandIn::account_of(KEY))
        .into_iter()
        .filter(|link| link["active"] == true)
        .map(|link| link["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_checkout_page_opened_before_its_link_was_replaced_and_paid_after_is_recorded() {
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "open-page@example.com", KEY, "Initech").await;
    let sent = send_one(&user, &client).await;
    // The client opens the payment page and leaves it open.
    let page = stripe.open_checkout(&sent.link).unwrap();

    // 50.00 arrives by bank transfer meanwhile: a link for the rest replaces the first.
    let typed = user.pay(&sent.id, "50").await;
    assert_eq!(typed.status, 200, "{}", typed.body);
    assert!(!link_active(&stripe, &sent.link));
    let replacement = active_links(&stripe);
    assert_eq!(replacement.len(), 1, "{replacement:?}");

    // Then pays the whole amount on the page still open: what was owed is paid, the rest is
    // the client's, and the link for the rest is closed.
    let completed = stripe.pay(&page, "paid").await.unwrap();
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "Paid", "{invoice}");
    assert_eq!(invoice["document"]["totals"]["paid"]["minor"], TOTAL);
    assert_eq!(invoice["document"]["totals"]["due"]["minor"], 0);
    let payments = invoice["document"]["payments"].as_array().unwrap();
    assert_eq!(payments.len(), 2, "{invoice}");
    assert_eq!(payments[1]["amount"]["minor"], TOTAL - 5_000);
    let extra = invoice["extra_payments"].as_array().unwrap();
    assert_eq!(extra.len(), 1, "{invoice}");
    assert_eq!(extra[0]["amount"]["minor"], 5_000);
    assert!(
        active_links(&stripe).is_empty(),
        "the link for the rest still takes money"
    );
    assert_eq!(outbox(&app, "paid_twice").await.len(), 1);

    // The same news again, as a new event (Stripe sends one per change), changes nothing.
    let mut again = completed.clone();
    again["id"] = Value::String("evt_same_session_again".into());
    assert_eq!(redeliver(&app, &stripe, &again).await, 200);
    let after = user.invoice(&sent.id).await.body;
    assert_eq!(
        after["document"]["payments"],
        invoice["document"]["payments"]
    );
    assert_eq!(after["extra_payments"], invoice["extra_payments"]);
    assert_eq!(outbox(&app, "paid_twice").await.len(), 1);
}

/// An event that names a retired link but a session of another link (forged with a leaked
/// signing secret, or garbled) records nothing: the session read from Stripe must be that
/// link's.
#[tokio::test]
async fn a_session_of_another_link_is_not_recorded_through_a_retired_one() {
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "other-link@example.com", KEY, "Initech").await;
    let first = send_one(&user, &client).await;
    let second = send_one(&user, &client).await;
    assert_eq!(user.pay(&first.id, "50").await.status, 200);
    assert!(
        !link_active(&stripe, &first.link),
        "the first link is retired"
    );

    let paid = stripe.pay(&second.link, "paid").await.unwrap();
    assert_eq!(
        user.invoice(&second.id).await.body["document"]["status"],
        "Paid"
    );
    let mut forged = paid.clone();
    forged["id"] = Value::String("evt_forged_retired".into());
    forged["data"]["object"]["payment_link"] = Value::String(first.link.clone());
    assert_eq!(redeliver(&app, &stripe, &forged).await, 200);

    let untouched = user.invoice(&first.id).await.body;
    assert_eq!(
        untouched["document"]["status"], "PartiallyPaid",
        "{untouched}"
    );
    assert_eq!(
        untouched["document"]["payments"].as_array().unwrap().len(),
        1
    );
    assert!(
        untouched["extra_payments"]
            .as_array()
            .is_none_or(Vec::is_empty)
    );
}

/// Another user's webhook hears of the same session (two users, one Stripe account): it is
/// not their invoice's link, retired or not, so nothing of theirs moves.
#[tokio::test]
async fn money_through_a_retired_link_moves_only_its_own_invoice() {
    let (app, stripe) = app_with_stripe().await;
    let (ada, ada_client) = with_client(&app, "retired-ada@example.com", KEY, "Initech").await;
    let (bob, bob_client) = with_client(&app, "retired-bob@example.com", KEY, "Hooli").await;
    let adas = send_one(&ada, &ada_client).await;
    let bobs = send_one(&bob, &bob_client).await;
    let page = stripe.open_checkout(&adas.link).unwrap();
    assert_eq!(ada.pay(&adas.id, "50").await.status, 200);

    stripe.pay(&page, "paid").await.unwrap();
    let paid = ada.invoice(&adas.id).await.body;
    assert_eq!(paid["document"]["status"], "Paid", "{paid}");
    assert_eq!(paid["document"]["payments"].as_array().unwrap().len(), 2);
    assert_eq!(paid["extra_payments"].as_array().unwrap().len(), 1);
    assert_eq!(outbox(&app, "paid_twice").await.len(), 1);
    let untouched = bob.invoice(&bobs.id).await.body;
    assert_eq!(untouched["document"]["status"], "Open", "{untouched}");
    assert_eq!(untouched["document"]["totals"]["paid"]["minor"], 0);
    assert!(
        untouched["extra_payments"]
            .as_array()
            .is_none_or(Vec::is_empty)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_part_payment_while_stripe_is_down_gets_its_new_link_from_reconciliation() {
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "part-outage@example.com", KEY, "Hooli").await;
    let sent = send_one(&user, &client).await;

    // Stripe is down when 50.00 comes in by hand: the payment stands, the first link stays
    // open for now, and no second link is offered beside it.
    outage(&stripe, 1);
    let typed = user.pay(&sent.id, "50").await;
    assert_eq!(typed.status, 200, "{}", typed.body);
    assert_eq!(active_links(&stripe), vec![sent.link.clone()]);

    // Within a minute or two reconciliation closes it and makes one for what is owed.
    let report = pass(&app.state, later(2)).await.unwrap();
    assert_eq!(report.checked, 1, "{report:?}");
    let links = active_links(&stripe);
    assert_eq!(links.len(), 1, "{links:?}");
    assert_ne!(links[0], sent.link);
    let replacement = stripe.object(&links[0]).unwrap();
    assert_eq!(replacement["__amount"], TOTAL - 5_000, "{replacement}");
    let invoice = user.invoice(&sent.id).await.body;
    let url = invoice["document"]["pay_url"].as_str().unwrap_or_default();
    assert_eq!(url, replacement["url"].as_str().unwrap(), "{invoice}");

    // And then leaves it alone.
    pass(&app.state, later(24 * 60)).await.unwrap();
    assert_eq!(active_links(&stripe), links);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_webhook_money_paid_on_a_page_of_a_replaced_or_closed_link_is_found_by_asking() {
    let (app, stripe) = app_with_stripe().await;
    let user = app.user("quiet-links@example.com").await;
    let connected = user
        .connect_stripe("rk_test_51nowebhooksQuietLinksKey4455")
        .await;
    assert_eq!(connected["Connected"]["webhook"], "Missing");
    let client = user.client("Initech").await;

    // A page opened, the link replaced by a payment by hand, the page paid after: no webhook.
    let replaced = send_one(&user, &client).await;
    let page = stripe.open_checkout(&replaced.link).unwrap();
    assert_eq!(user.pay(&replaced.id, "50").await.status, 200);
    stripe.pay(&page, "paid").await.unwrap();
    // A page opened, the invoice paid in full by hand (the link closed), the page paid after.
    let closed = send_one(&user, &client).await;
    let page = stripe.open_checkout(&closed.link).unwrap();
    assert_eq!(user.pay(&closed.id, "201.56").await.status, 200);
    assert!(!link_active(&stripe, &closed.link));
    stripe.pay(&page, "paid").await.unwrap();
    for sent in [&replaced, &closed] {
        let unheard = user.invoice(&sent.id).await.body;
        assert!(
            unheard["extra_payments"]
                .as_array()
                .is_none_or(Vec::is_empty),
            "{unheard}"
        );
    }

    // Reconciliation asks about the quiet links and records the money as a webhook would.
    pass(&app.state, later(20)).await.unwrap();
    let invoice = user.invoice(&replaced.id).await.body;
    assert_eq!(invoice["document"]["status"], "Paid", "{invoice}");
    assert_eq!(invoice["document"]["totals"]["paid"]["minor"], TOTAL);
    assert_eq!(invoice["extra_payments"][0]["amount"]["minor"], 5_000);
    assert!(
        active_links(&stripe).is_empty(),
        "{:?}",
        active_links(&stripe)
    );
    let invoice = user.invoice(&closed.id).await.body;
    assert_eq!(invoice["document"]["status"], "Paid", "{invoice}");
    assert_eq!(invoice["extra_payments"][0]["amount"]["minor"], TOTAL);
    assert_eq!(outbox(&app, "paid_twice").await.len(), 2);

    // Asked again while a page could still be open, nothing is recorded twice; a day on,
    // the links are not asked about any more.
    pass(&app.state, later(60)).await.unwrap();
    for sent in [&replaced, &closed] {
        let invoice = user.invoice(&sent.id).await.body;
        assert_eq!(invoice["extra_payments"].as_array().unwrap().len(), 1);
    }
    assert_eq!(outbox(&app, "paid_twice").await.len(), 2);
    let day_on = later(25 * 60);
    pass(&app.state, day_on).await.unwrap();
    // The account's list of events is read on its own cadence (stripe_missed_events.rs).
    let about_links = || {
        stripe
            .received()
            .iter()
            .filter(|r| r.path != "/v1/events")
            .count()
    };
    let asked = about_links();
    let report = pass(&app.state, later(26 * 60)).await.unwrap();
    assert_eq!(report.checked, 0);
    assert_eq!(about_links(), asked, "asked Stripe after a day");
}
