//! A Stripe-hosted invoice bears PayTrack's invoice number: Stripe's page offers its own PDF of
//! it, and the client must not hold two invoice documents numbered apart for one supply. Where
//! the account has used the number already (the hosted invoice a part payment replaced, or the
//! user's own Stripe invoice), Stripe numbers it and its memo names PayTrack's.

use serde_json::Value;

use crate::common::billing::User;
use crate::stripe_connect::app_with_stripe;
use crate::stripe_hosted_invoices::paying_by_hosted_invoice;
use crate::stripe_payments::send_one;
use crate::stripe_stand_in::StripeStandIn;

const KEY: &str = "rk_test_51NumbersStandInKey00000111";

async fn number_of(user: &User<'_>, invoice: &str) -> String {
    user.invoice(invoice).await.body["document"]["number"]
        .as_str()
        .expect("a sent invoice has its number")
        .to_string()
}

/// The Stripe invoice a pay link of the stand-in leads to (its id ends the link).
fn hosted(stripe: &StripeStandIn, pay_url: &str) -> Value {
    let id = pay_url.rsplit("test_").next().unwrap();
    stripe.object(id).expect("the hosted invoice exists")
}

#[tokio::test]
async fn a_hosted_invoice_bears_paytracks_number_and_its_replacement_names_it() {
    let (app, stripe) = app_with_stripe().await;
    let user = app.user("numbers@example.com").await;
    paying_by_hosted_invoice(&user, KEY).await;
    let client = user.client("Initech").await;
    let sent = send_one(&user, &client).await;
    let number = number_of(&user, &sent.id).await;

    let first = stripe
        .object(&sent.link)
        .expect("the hosted invoice exists");
    assert_eq!(first["status"], "open");
    assert_eq!(first["number"], number.as_str(), "{first}");

    // Paid in part by hand: a hosted invoice for the rest replaces the first, which Stripe
    // voids and keeps with its number; the replacement is numbered by Stripe.
    let paid = user.pay(&sent.id, "100.00").await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    let first = stripe.object(first["id"].as_str().unwrap()).unwrap();
    assert_eq!(first["status"], "void");
    assert_eq!(first["number"], number.as_str());
    let pay_url = user.invoice(&sent.id).await.body["document"]["pay_url"]
        .as_str()
        .unwrap()
        .to_string();
    let rest = hosted(&stripe, &pay_url);
    assert_ne!(rest["id"], first["id"]);
    assert_eq!(rest["status"], "open");
    assert!(
        rest["number"]
            .as_str()
            .is_some_and(|n| n.starts_with("STANDIN-")),
        "{rest}"
    );
    assert_eq!(rest["description"], format!("Invoice {number}").as_str());
    assert_eq!(rest["metadata"]["paytrack_number"], number.as_str());
}

#[tokio::test]
async fn a_number_the_users_own_stripe_invoice_bears_is_left_to_stripe() {
    let (app, stripe) = app_with_stripe().await;
    let user = app.user("own-invoices@example.com").await;
    paying_by_hosted_invoice(&user, KEY).await;
    let client = user.client("Globex").await;

    // The user numbered an invoice of their own in Stripe as PayTrack will number the first.
    let base = app.state.config.stripe_api_base.clone();
    let stripe_api = |path: &str, form: &[(&str, &str)]| {
        reqwest::Client::new()
            .post(format!("{base}{path}"))
            .bearer_auth(KEY)
            .form(form)
            .send()
    };
    let customer: Value = stripe_api("/v1/customers", &[("name", "Someone else")])
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let customer = customer["id"].as_str().unwrap();
    let own = stripe_api(
        "/v1/invoices",
        &[("customer", customer), ("number", "INV-0001")],
    )
    .await
    .unwrap();
    assert_eq!(own.status(), 200);
    let again = stripe_api(
        "/v1/invoices",
        &[("customer", customer), ("number", "INV-0001")],
    )
    .await
    .unwrap();
    assert_eq!(again.status(), 400, "the stand-in refuses a used number");

    let sent = send_one(&user, &client).await;
    let number = number_of(&user, &sent.id).await;
    assert_eq!(number, "INV-0001");
    let invoice = stripe
        .object(&sent.link)
        .expect("the hosted invoice exists");
    assert_eq!(invoice["status"], "open");
    assert!(
        invoice["number"]
            .as_str()
            .is_some_and(|n| n.starts_with("STANDIN-")),
        "{invoice}"
    );
    assert_eq!(invoice["description"], "Invoice INV-0001");
    let invoices = stripe.objects("invoice", &StripeStandIn::account_of(KEY));
    assert_eq!(
        invoices.len(),
        2,
        "the user's own and PayTrack's: {invoices:?}"
    );
}
