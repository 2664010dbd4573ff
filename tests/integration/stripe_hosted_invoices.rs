//! Stripe-hosted invoices: the same total as PayTrack's, paid and reported, addressed to one
//! Stripe customer per client in each connected account — made once even when keeping it fails:
//! Stripe forgets the idempotency key that made it after a day, so the customer is kept before
//! the hosted invoice is made, and found again at Stripe when it could not be kept. Stripe
//! copies the customer's name and address onto each hosted invoice, so a client renamed since
//! has their customer brought up to date first. An account's test and live modes each have
//! their own customer.

use mongodb::bson::{Document, doc, oid::ObjectId};
use serde_json::Value;

use paytrack::api::clients::UpdateClient;
use paytrack::domain::client::ClientInput;

use crate::common::billing::{User, client_input};
use crate::common::{TestApp, allow_all, refuse_times};
use crate::stripe_connect::{app_with_stripe, app_with_stripe_on_own_database};
use crate::stripe_payments::{TOTAL, outbox};
use crate::stripe_stand_in::StripeStandIn;

const KEY: &str = "rk_test_51CustomersStandInKey0000111";

/// Connects `key` and has clients pay through Stripe-hosted invoices.
pub async fn paying_by_hosted_invoice(user: &User<'_>, key: &str) {
    user.connect_stripe(key).await;
    let mode = user
        .form("/api/stripe/pay-with", &[("mode", "hosted_invoice")])
        .await;
    assert_eq!(mode.status, 200, "{}", mode.body);
}

/// The Stripe customers kept on `client`.
async fn kept(app: &TestApp, client: &str) -> Vec<String> {
    let id = ObjectId::parse_str(client).unwrap();
    let client = app
        .db
        .collection::<Document>("clients")
        .find_one(doc! { "_id": id })
        .await
        .unwrap()
        .expect("the client is stored");
    client
        .get_array("stripe_customers")
        .map(|kept| {
            kept.iter()
                .map(|c| {
                    c.as_document()
                        .unwrap()
                        .get_str("customer_id")
                        .unwrap()
                        .to_string()
                })
                .collect()
        })
        .unwrap_or_default()
}

fn customers(stripe: &StripeStandIn) -> Vec<Value> {
    stripe.objects("customer", &StripeStandIn::account_of(KEY))
}

#[tokio::test]
async fn a_customer_is_kept_even_when_stripe_refuses_the_invoice_after_it() {
    let (app, stripe) = app_with_stripe().await;
    let user = app.user("refused@example.com").await;
    paying_by_hosted_invoice(&user, KEY).await;
    let client = user.client("Wayne Enterprises").await;
    let (invoice, _) = user.draft(&client).await;

    // The customer is made, then Stripe refuses the invoice: nothing goes out.
    stripe.fail_next_at(
        "/v1/invoices",
        1,
        400,
        "invalid_request_error",
        None,
        "The account cannot create invoices right now.",
    );
    let refused = user.send(&invoice).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body["Rejected"]
            .as_str()
            .is_some_and(|m| m.contains("The account cannot create invoices right now.")),
        "{}",
        refused.body
    );
    let made = customers(&stripe);
    assert_eq!(made.len(), 1);
    let customer = made[0]["id"].as_str().unwrap().to_string();
    assert_eq!(made[0]["metadata"]["paytrack_client"], client.as_str());
    assert_eq!(kept(&app, &client).await, std::slice::from_ref(&customer));

    // A day later the user sends again: the kept customer gets the invoice.
    stripe.forget_idempotency_keys();
    let sent = user.send(&invoice).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(customers(&stripe).len(), 1, "no second customer");
    let invoices = stripe.objects("invoice", &StripeStandIn::account_of(KEY));
    assert_eq!(invoices.len(), 1);
    assert_eq!(invoices[0]["customer"], customer.as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_the_database_would_not_keep_is_found_again_at_stripe() {
    let (_database, app, stripe) = app_with_stripe_on_own_database().await;
    let user = app.user("unkept@example.com").await;
    paying_by_hosted_invoice(&user, KEY).await;
    let client = user.client("Stark Industries").await;
    let (first, _) = user.draft(&client).await;

    // Keeping the new customer is the send's first update: the database refuses it. The
    // invoice goes out all the same, to that customer.
    refuse_times(&app.db, &["update"], 1).await;
    let sent = user.send(&first).await;
    allow_all(&app.db).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert!(
        kept(&app, &client).await.is_empty(),
        "the keeping was refused"
    );
    let made = customers(&stripe);
    assert_eq!(made.len(), 1);
    let customer = made[0]["id"].as_str().unwrap().to_string();

    // More than a day later the next invoice for the client finds it at Stripe, keeps it,
    // and is addressed to it.
    stripe.forget_idempotency_keys();
    let (second, _) = user.draft(&client).await;
    let sent = user.send(&second).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(customers(&stripe).len(), 1, "no second customer");
    assert_eq!(kept(&app, &client).await, std::slice::from_ref(&customer));
    let invoices = stripe.objects("invoice", &StripeStandIn::account_of(KEY));
    assert_eq!(invoices.len(), 2);
    assert!(invoices.iter().all(|i| i["customer"] == customer.as_str()));
}

#[tokio::test]
async fn another_clients_customer_with_the_same_address_is_not_taken() {
    let (app, stripe) = app_with_stripe().await;
    let user = app.user("shared-address@example.com").await;
    paying_by_hosted_invoice(&user, KEY).await;
    // Two clients billed at one address: each gets its own customer.
    let at_one_address = |name: &str| ClientInput {
        emails: "accounts@acme.test".to_string(),
        ..client_input(name)
    };
    let first = user.client_with(at_one_address("Acme")).await;
    let second = user.client_with(at_one_address("Acme Holdings")).await;
    for client in [&first, &second] {
        let (invoice, _) = user.draft(client).await;
        assert_eq!(user.send(&invoice).await.status, 200);
    }
    let made = customers(&stripe);
    assert_eq!(made.len(), 2, "{made:?}");
    assert_ne!(kept(&app, &first).await, kept(&app, &second).await);
}

#[tokio::test]
async fn a_hosted_invoice_is_addressed_as_the_client_is_now() {
    let (app, stripe) = app_with_stripe().await;
    let user = app.user("renamed@example.com").await;
    paying_by_hosted_invoice(&user, KEY).await;
    let client = user.client("Stark Industries").await;
    let (first, _) = user.draft(&client).await;
    assert_eq!(user.send(&first).await.status, 200);

    // The client's legal name and accounts address change: the next hosted invoice shows them
    // (Stripe copies them from the customer), the one already out keeps what it was sent with.
    let input = ClientInput {
        emails: "payables@stark.test".to_string(),
        ..client_input("Stark Industries Ltd")
    };
    let saved = user
        .call(&UpdateClient {
            id: client.clone(),
            input,
        })
        .await;
    assert_eq!(
        saved.body["Saved"]["name"], "Stark Industries Ltd",
        "{}",
        saved.body
    );
    let (second, _) = user.draft(&client).await;
    assert_eq!(user.send(&second).await.status, 200);
    let at_stripe = |invoice: &str| {
        stripe
            .objects("invoice", &StripeStandIn::account_of(KEY))
            .into_iter()
            .find(|i| i["metadata"]["paytrack_invoice"] == invoice)
            .expect("a Stripe invoice")
    };
    assert_eq!(at_stripe(&first)["customer_name"], "Stark Industries");
    assert_eq!(
        at_stripe(&first)["customer_email"],
        "stark.industries@client.test"
    );
    assert_eq!(at_stripe(&second)["customer_name"], "Stark Industries Ltd");
    assert_eq!(at_stripe(&second)["customer_email"], "payables@stark.test");
    assert_eq!(customers(&stripe).len(), 1);

    // Unchanged since: the next send asks nothing of Stripe about the customer.
    let before = stripe.received().len();
    let (third, _) = user.draft(&client).await;
    assert_eq!(user.send(&third).await.status, 200);
    let about_customers = stripe.received()[before..]
        .iter()
        .filter(|r| r.path.starts_with("/v1/customers"))
        .count();
    assert_eq!(about_customers, 0);
    assert_eq!(at_stripe(&third)["customer_name"], "Stark Industries Ltd");
}

#[tokio::test]
async fn a_hosted_invoice_mirrors_the_total_reuses_the_customer_and_reports_paid() {
    let (app, stripe) = app_with_stripe().await;
    let user = app.user("hosted@example.com").await;
    user.connect_stripe(KEY).await;
    assert_eq!(
        user.form("/api/stripe/pay-with", &[("mode", "hosted_invoice")])
            .await
            .status,
        200
    );
    let client = user.client("Stark Industries").await;
    let account = StripeStandIn::account_of(KEY);

    let (id, number) = user.draft(&client).await;
    let sent = user.send(&id).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let url = sent.body["document"]["pay_url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(url.starts_with("https://invoice.stripe.com/"), "{url}");
    let invoices = stripe.objects("invoice", &account);
    assert_eq!(invoices.len(), 1);
    let stripe_invoice = &invoices[0];
    assert_eq!(stripe_invoice["status"], "open");
    assert_eq!(stripe_invoice["amount_due"], TOTAL);
    assert_eq!(stripe_invoice["collection_method"], "send_invoice");
    assert_eq!(stripe_invoice["metadata"]["paytrack_number"], number);
    let customers = stripe.objects("customer", &account);
    assert_eq!(customers.len(), 1);
    assert_eq!(customers[0]["email"], "stark.industries@client.test");
    // Stripe's own emails stay off: PayTrack never asks Stripe to send the invoice.
    assert!(!stripe.received().iter().any(|r| r.path.ends_with("/send")));

    // A second invoice for the same client reuses the customer.
    let (second, _) = user.draft(&client).await;
    assert_eq!(user.send(&second).await.status, 200);
    assert_eq!(stripe.objects("customer", &account).len(), 1);

    // Receipts to clients switched off: only the user hears of it.
    let emails = user
        .form(
            "/api/stripe/payment-emails",
            &[("notify_paid", "true"), ("client_receipts", "false")],
        )
        .await;
    assert_eq!(emails.status, 200);
    let event = stripe
        .pay(stripe_invoice["id"].as_str().unwrap(), "paid")
        .await
        .unwrap();
    assert_eq!(event["type"], "invoice.paid");
    let invoice = user.invoice(&id).await.body;
    assert_eq!(invoice["document"]["status"], "Paid");
    assert_eq!(
        invoice["document"]["payments"][0]["amount"]["minor"], TOTAL,
        "{invoice}"
    );
    assert_eq!(invoice["document"]["pay_url"], Value::Null);
    assert_eq!(outbox(&app, "got_paid").await.len(), 1);
    assert!(outbox(&app, "receipt").await.is_empty());
}

#[tokio::test]
async fn going_live_in_the_same_account_gives_the_client_a_live_customer() {
    let (app, stripe) = app_with_stripe().await;
    let user = app.user("going-live@example.com").await;
    paying_by_hosted_invoice(&user, KEY).await;
    let client = user.client("Stark Industries").await;
    let (tried, _) = user.draft(&client).await;
    assert_eq!(user.send(&tried).await.status, 200);
    let test_customer = customers(&stripe)[0]["id"].as_str().unwrap().to_string();

    // The user goes live: the same account's live key, where the test customer does not
    // exist. The next hosted invoice gets a customer of its own mode.
    let live_key = KEY.replacen("_test_", "_live_", 1);
    assert_eq!(
        StripeStandIn::account_id_of(&live_key),
        StripeStandIn::account_of(KEY)
    );
    user.connect_stripe(&live_key).await;
    let (live, _) = user.draft(&client).await;
    let sent = user.send(&live).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let live_space = StripeStandIn::account_of(&live_key);
    let live_customers = stripe.objects("customer", &live_space);
    assert_eq!(live_customers.len(), 1);
    assert_eq!(live_customers[0]["livemode"], true);
    let live_invoices = stripe.objects("invoice", &live_space);
    assert_eq!(live_invoices.len(), 1);
    assert_eq!(live_invoices[0]["customer"], live_customers[0]["id"]);
    assert_eq!(
        customers(&stripe).len(),
        1,
        "the test customer stays as it was"
    );

    // Back on the test key, the test customer is the client's again; nothing new is made.
    user.connect_stripe(KEY).await;
    let (again, _) = user.draft(&client).await;
    assert_eq!(user.send(&again).await.status, 200);
    assert_eq!(customers(&stripe).len(), 1);
    assert_eq!(stripe.objects("customer", &live_space).len(), 1);
    let kept = kept(&app, &client).await;
    assert!(kept.contains(&test_customer), "{kept:?}");
    assert_eq!(kept.len(), 2, "one customer per mode: {kept:?}");
}

#[tokio::test]
async fn a_customer_kept_before_its_mode_was_recorded_is_found_again_not_made_twice() {
    let (app, stripe) = app_with_stripe().await;
    let user = app.user("kept-before@example.com").await;
    paying_by_hosted_invoice(&user, KEY).await;
    let client = user.client("Wayne Enterprises").await;
    let (first, _) = user.draft(&client).await;
    assert_eq!(user.send(&first).await.status, 200);
    let customer = customers(&stripe)[0]["id"].as_str().unwrap().to_string();
    // As PayTrack kept customers before: the account and the id only.
    let id = ObjectId::parse_str(&client).unwrap();
    app.db
        .collection::<Document>("clients")
        .update_one(
            doc! { "_id": id },
            doc! { "$unset": {
                "stripe_customers.0.livemode": "",
                "stripe_customers.0.billed_as": "",
            } },
        )
        .await
        .unwrap();

    let (second, _) = user.draft(&client).await;
    assert_eq!(user.send(&second).await.status, 200);
    assert_eq!(customers(&stripe).len(), 1, "no second customer");
    let invoices = stripe.objects("invoice", &StripeStandIn::account_of(KEY));
    assert!(invoices.iter().all(|i| i["customer"] == customer.as_str()));
}
