//! What a PaymentIntent paid, asked of Stripe: for refunds of payments PayTrack recorded before
//! it kept their PaymentIntent, whose invoice is found through the link or Stripe invoice
//! instead.

use stripe_billing::invoice_payment::{ListInvoicePayment, ListInvoicePaymentPayment};
use stripe_checkout::checkout_session::ListCheckoutSession;

use super::api_key::StripeKey;
use super::client::{StripeApi, StripeProblem};

/// The payment link (`plink_…`) or Stripe invoice (`in_…`) `payment_intent` paid, if either.
pub async fn paid_through(
    api: &StripeApi,
    key: &StripeKey,
    payment_intent: &str,
) -> Result<Option<String>, StripeProblem> {
    let sessions = api
        .call(
            key,
            &ListCheckoutSession::new()
                .payment_intent(payment_intent)
                .limit(1),
            None,
        )
        .await?;
    let link = sessions
        .data
        .first()
        .and_then(|session| session.payment_link.as_ref());
    if let Some(link) = link {
        return Ok(Some(link.id().as_str().to_string()));
    }
    let mut by_intent = ListInvoicePaymentPayment::new(
        stripe_billing::invoice_payment::ListInvoicePaymentPaymentType::PaymentIntent,
    );
    by_intent.payment_intent = Some(payment_intent.to_string());
    let payments = api
        .call(
            key,
            &ListInvoicePayment::new().payment(by_intent).limit(1),
            None,
        )
        .await?;
    Ok(payments
        .data
        .first()
        .and_then(|payment| payment.invoice.id().as_ref())
        .map(|invoice| invoice.as_str().to_string()))
}
