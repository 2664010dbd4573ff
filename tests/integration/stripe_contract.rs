//! The contract with Stripe's object shapes: every object PayTrack reads from Stripe, as Stripe
//! publishes it (`tests/fixtures/stripe/fixtures3.json`), deserializes with the async-stripe
//! types in Cargo.lock, through the same JSON reader the client uses. The Stripe stand-in
//! answers with these shapes, so this also keeps the stand-in honest.

use serde_json::Value;

fn fixture(name: &str) -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/stripe/fixtures3.json"
    ))
    .expect("the Stripe fixtures are in the repository");
    let all: Value = serde_json::from_str(&text).expect("the fixtures are JSON");
    all["resources"][name].clone()
}

fn reads_as<T: miniserde::Deserialize>(name: &str) -> T {
    let text = fixture(name).to_string();
    miniserde::json::from_str::<T>(&text)
        .unwrap_or_else(|_| panic!("Stripe's `{name}` fixture does not deserialize"))
}

#[test]
fn every_object_paytrack_reads_deserializes() {
    let account: stripe_shared::Account = reads_as("account");
    assert!(account.id.as_str().starts_with("acct_"));
    let customer: stripe_shared::Customer = reads_as("customer");
    assert!(customer.id.as_str().starts_with("cus_"));
    let link: stripe_shared::PaymentLink = reads_as("payment_link");
    assert!(link.url.starts_with("https://"));
    let session: stripe_shared::CheckoutSession = reads_as("checkout.session");
    assert!(session.id.as_str().starts_with("cs_"));
    let invoice: stripe_shared::Invoice = reads_as("invoice");
    assert_eq!(invoice.amount_due, 1000);
    let item: stripe_billing::InvoiceItem = reads_as("invoiceitem");
    assert_eq!(item.amount, 1000);
    let endpoint: stripe_misc::WebhookEndpoint = reads_as("webhook_endpoint");
    assert!(endpoint.id.as_str().starts_with("we_"));
    let subscription: stripe_shared::Subscription = reads_as("subscription");
    assert!(subscription.id.as_str().starts_with("sub_"));
    let portal: stripe_billing::BillingPortalSession = reads_as("billing_portal.session");
    assert!(portal.url.starts_with("https://"));
    let event: stripe_shared::Event = reads_as("event");
    assert!(event.id.as_str().starts_with("evt_"));
    // What refund and dispute events carry, read from the account's list of events too.
    let charge: stripe_shared::Charge = reads_as("charge");
    assert!(charge.id.as_str().starts_with("ch_"));
    let dispute: stripe_shared::Dispute = reads_as("dispute");
    assert!(dispute.id.as_str().starts_with("dp_"));
}

#[test]
fn a_changed_shape_is_caught() {
    // The check above would pass vacuously if any JSON were accepted: a session without its
    // required `status`-bearing fields must not read as one.
    let mut session = fixture("checkout.session");
    session.as_object_mut().expect("an object").remove("mode");
    let text = session.to_string();
    assert!(miniserde::json::from_str::<stripe_shared::CheckoutSession>(&text).is_err());
}
