//! A send that fails after Stripe made what the client pays through goes on at the user's next
//! press, with what Stripe already holds: the same payment link, the same hosted invoice (found
//! again after Stripe forgot the idempotency keys). What a failed send made for terms since
//! edited is cleared away, so the client is only ever offered the invoice PayTrack keeps.

use serde_json::Value;

use paytrack::api::invoices::{InvoiceSave, UpdateInvoice};
use paytrack::domain::invoice_draft::InvoiceInput;

use crate::common::billing::{User, invoice_input};
use crate::common::{TestApp, allow_all, refuse_after};
use crate::stripe_connect::{app_with_stripe, app_with_stripe_on_own_database};
use crate::stripe_hosted_invoices::paying_by_hosted_invoice;
use crate::stripe_stand_in::StripeStandIn;

const KEY: &str = "rk_test_51RetriesStandInKey000000111";

#[tokio::test]
async fn an_overdue_invoice_whose_send_failed_half_way_goes_on_the_next_press() {
    let (app, stripe) = app_with_stripe().await;
    let user = app.user("overdue-retry@example.com").await;
    paying_by_hosted_invoice(&user, KEY).await;
    let client = user.client("Umbrella").await;
    // Due before today, as most invoices in these tests: Stripe wants a due date ahead.
    let (invoice, _) = user.draft(&client).await;

    refuse_the_next_item(&stripe);
    let failed = user.send(&invoice).await;
    assert_eq!(failed.status, 422, "{}", failed.body);
    // A first try has nothing to look for: no invoice of the client is read back.
    let listed = |stripe: &StripeStandIn| {
        stripe
            .received()
            .iter()
            .filter(|r| r.method == "GET" && r.path == "/v1/invoices")
            .count()
    };
    assert_eq!(listed(&stripe), 0);

    // The user presses Send again a moment later.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let sent = user.send(&invoice).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(listed(&stripe), 1);
    let invoices = stripe.objects("invoice", &StripeStandIn::account_of(KEY));
    assert_eq!(invoices.len(), 1, "{invoices:?}");
    assert_eq!(invoices[0]["status"], "open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_whose_write_failed_after_its_payment_link_was_made_goes_on_the_next_press() {
    let (_database, app, stripe) = app_with_stripe_on_own_database().await;
    let user = app.user("link-retry@example.com").await;
    user.connect_stripe(KEY).await;
    let client = user.client("Cyberdyne").await;
    let (invoice, _) = user.draft(&client).await;

    // The link is made, then the database refuses to mark the invoice sent.
    send_not_kept(&app, &user, &invoice, FIRST_TRY).await;
    assert_eq!(
        stripe
            .objects("payment_link", &StripeStandIn::account_of(KEY))
            .len(),
        1
    );

    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let sent = user.send(&invoice).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let links = stripe.objects("payment_link", &StripeStandIn::account_of(KEY));
    assert_eq!(links.len(), 1, "{links:?}");
}

/// Stripe refuses the next invoice item: a send stops with the hosted invoice a draft.
fn refuse_the_next_item(stripe: &StripeStandIn) {
    stripe.fail_next_at(
        "/v1/invoiceitems",
        1,
        400,
        "invalid_request_error",
        None,
        "The account cannot add invoice items right now.",
    );
}

/// A send's writes before marking the invoice sent: its first try keeps the token it is sent
/// with; a later one has it.
const FIRST_TRY: i32 = 1;
const LATER_TRY: i32 = 0;

/// Sends `invoice` with the database refusing to mark it sent: what comes before (Stripe, and
/// `writes_before` writes) goes through.
async fn send_not_kept(app: &TestApp, user: &User<'_>, invoice: &str, writes_before: i32) {
    refuse_after(&app.db, &["findAndModify"], writes_before).await;
    let failed = user.send(invoice).await;
    allow_all(&app.db).await;
    assert!(failed.status >= 500, "{}", failed.body);
}

/// The hosted invoices PayTrack made for `invoice` in the stand-in's account of `KEY`.
fn made_for(stripe: &StripeStandIn, invoice: &str) -> Vec<Value> {
    stripe
        .objects("invoice", &StripeStandIn::account_of(KEY))
        .into_iter()
        .filter(|made| made["metadata"]["paytrack_invoice"] == invoice)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hosted_invoice_made_but_never_kept_is_the_one_sent_a_day_later() {
    let (_database, app, stripe) = app_with_stripe_on_own_database().await;
    let user = app.user("unkept-invoice@example.com").await;
    paying_by_hosted_invoice(&user, KEY).await;
    let client = user.client("Soylent").await;
    let (invoice, number) = user.draft(&client).await;

    send_not_kept(&app, &user, &invoice, FIRST_TRY).await;
    let made = made_for(&stripe, &invoice);
    assert_eq!(made.len(), 1);
    assert_eq!(made[0]["status"], "open");

    // Stripe has forgotten the keys by the time the user sends it again.
    stripe.forget_idempotency_keys();
    let sent = user.send(&invoice).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let now = made_for(&stripe, &invoice);
    assert_eq!(now.len(), 1, "{now:?}");
    assert_eq!(now[0]["id"], made[0]["id"]);
    assert_eq!(now[0]["number"], number.as_str());
    let pay_url = sent.body["document"]["pay_url"].as_str().unwrap();
    assert!(
        pay_url.ends_with(made[0]["id"].as_str().unwrap()),
        "{pay_url}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_failed_sends_made_before_the_draft_was_edited_is_cleared_away() {
    let (_database, app, stripe) = app_with_stripe_on_own_database().await;
    let user = app.user("edited-after-failure@example.com").await;
    paying_by_hosted_invoice(&user, KEY).await;
    let client = user.client("Tyrell").await;
    let mut input = invoice_input(&client);
    let (invoice, number) = user.draft_with(input.clone()).await;
    let edit = |input: &InvoiceInput| UpdateInvoice {
        id: invoice.clone(),
        input: input.clone(),
    };

    // The first send stops before the draft at Stripe has its item.
    refuse_the_next_item(&stripe);
    assert_eq!(user.send(&invoice).await.status, 422);
    let draft = made_for(&stripe, &invoice);
    assert_eq!(draft.len(), 1);
    assert_eq!(draft[0]["status"], "draft");
    assert_eq!(draft[0]["number"], number.as_str());

    // The user rewords a line (the amount stays); the next send makes Stripe's invoice, then
    // is not kept.
    input.lines[0].description = "Design, two rounds".to_string();
    assert!(matches!(
        user.ok(&edit(&input)).await,
        InvoiceSave::Saved { .. }
    ));
    send_not_kept(&app, &user, &invoice, LATER_TRY).await;
    let open = made_for(&stripe, &invoice);
    assert_eq!(open.len(), 1, "the draft was deleted: {open:?}");
    assert_ne!(open[0]["id"], draft[0]["id"]);
    assert_eq!(open[0]["status"], "open");
    assert_eq!(
        open[0]["number"],
        number.as_str(),
        "the deleted draft's number"
    );

    // Another hour of design, and sent: the client is offered one invoice, the one PayTrack
    // keeps.
    input.lines[0].quantity = "3.5".to_string();
    assert!(matches!(
        user.ok(&edit(&input)).await,
        InvoiceSave::Saved { .. }
    ));
    let sent = user.send(&invoice).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let made = made_for(&stripe, &invoice);
    assert_eq!(made.len(), 2, "{made:?}");
    let payable: Vec<&Value> = made.iter().filter(|m| m["status"] == "open").collect();
    assert_eq!(payable.len(), 1, "{made:?}");
    let pay_url = sent.body["document"]["pay_url"].as_str().unwrap();
    assert!(
        pay_url.ends_with(payable[0]["id"].as_str().unwrap()),
        "{pay_url}"
    );
    assert_eq!(
        payable[0]["amount_due"],
        sent.body["document"]["totals"]["due"]["minor"]
    );
    let voided = made.iter().find(|m| m["id"] == open[0]["id"]).unwrap();
    assert_eq!(voided["status"], "void");
}
