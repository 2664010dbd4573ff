//! What a client pays through, in the user's own Stripe account: a Payment Link for the
//! amount due, or a finalized Stripe-hosted invoice with the same lines (`hosted_invoices.rs`;
//! what both take is `opening.rs`). Every create carries an
//! idempotency key made of the invoice id and the amount, so a retry, a double click or two
//! servers never create two, while a new amount (after a part payment) gets a new one.
//! Also reads where a payment stands, for webhooks (which re-fetch) and reconciliation.

use stripe_billing::invoice::RetrieveInvoice;
use stripe_checkout::checkout_session::{ListCheckoutSession, RetrieveCheckoutSession};
use stripe_payment::payment_link::{
    AfterCompletionRedirectParams, CompletedSessionsParams, CreatePaymentLink,
    CreatePaymentLinkAfterCompletion, CreatePaymentLinkAfterCompletionType,
    CreatePaymentLinkLineItems, CreatePaymentLinkLineItemsPriceData,
    CreatePaymentLinkLineItemsPriceDataProductData, RestrictionsParams, UpdatePaymentLink,
    UpdatePaymentLinkAfterCompletion, UpdatePaymentLinkAfterCompletionType,
};
use stripe_shared::{CheckoutSessionPaymentStatus, CheckoutSessionStatus, InvoiceStatus};

pub use super::opening::{Opening, Through};

use super::api_key::StripeKey;
use super::client::{StripeApi, StripeProblem};
use super::opening::{currency, metadata, once_for};
use crate::domain::pay_with::PayWith;
use crate::domain::stripe_pay::{PayState, StripePay};

/// What Stripe says about a payment, read fresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remote {
    Open,
    Processing {
        reference: String,
    },
    Paid {
        reference: String,
        amount_minor: i64,
        /// The PaymentIntent that took the money, which a refund names.
        payment_intent: Option<String>,
    },
    Failed {
        reference: String,
    },
    Voided,
}

/// Opens what the client pays through.
pub async fn open(
    api: &StripeApi,
    key: &StripeKey,
    opening: &Opening<'_>,
) -> Result<StripePay, StripeProblem> {
    let invoice = opening.invoice;
    let amount = invoice.due_minor;
    match opening.through {
        Through::PaymentLink => {
            let price = CreatePaymentLinkLineItemsPriceData {
                product_data: Some(CreatePaymentLinkLineItemsPriceDataProductData::new(
                    format!("Invoice {}", invoice.number),
                )),
                unit_amount: Some(amount),
                ..CreatePaymentLinkLineItemsPriceData::new(currency(invoice)?)
            };
            let mut line = CreatePaymentLinkLineItems::new(1_u64);
            line.price_data = Some(price);
            let mut after = CreatePaymentLinkAfterCompletion::new(
                CreatePaymentLinkAfterCompletionType::Redirect,
            );
            after.redirect = Some(AfterCompletionRedirectParams::new(opening.return_url));
            let request = CreatePaymentLink::new(vec![line])
                .metadata(metadata(invoice))
                .after_completion(after)
                // One payment per link: a second visit cannot pay the invoice twice.
                .restrictions(RestrictionsParams::new(CompletedSessionsParams::new(1)));
            let link = api
                .call(key, &request, Some(&once_for("plink", invoice)))
                .await?;
            Ok(StripePay {
                account_id: opening.account_id.to_string(),
                livemode: Some(opening.livemode),
                mode: PayWith::PaymentLink,
                object_id: link.id.as_str().to_string(),
                url: link.url,
                amount_minor: amount,
                state: PayState::Open,
                reference: None,
            })
        }
        Through::HostedInvoice { customer } => {
            super::hosted_invoices::open(api, key, opening, customer).await
        }
    }
}

/// Has payment link `pay` send a client who has paid to `url` (their page moved). Setting the
/// same address twice changes nothing, so a retry needs no idempotency key.
pub async fn return_to(
    api: &StripeApi,
    key: &StripeKey,
    pay: &StripePay,
    url: &str,
) -> Result<(), StripeProblem> {
    let mut after =
        UpdatePaymentLinkAfterCompletion::new(UpdatePaymentLinkAfterCompletionType::Redirect);
    after.redirect = Some(AfterCompletionRedirectParams::new(url));
    let request = UpdatePaymentLink::new(pay.object_id.as_str()).after_completion(after);
    api.call(key, &request, None).await.map(drop)
}

/// Stops the link or voids the invoice, so nothing more can be paid through it.
pub async fn close(api: &StripeApi, key: &StripeKey, pay: &StripePay) -> Result<(), StripeProblem> {
    match pay.mode {
        PayWith::PaymentLink => {
            api.call(
                key,
                &UpdatePaymentLink::new(pay.object_id.as_str()).active(false),
                None,
            )
            .await?;
        }
        PayWith::HostedInvoice => super::hosted_invoices::void(api, key, &pay.object_id).await?,
    }
    Ok(())
}

/// The PaymentIntent of a paid Stripe invoice's payment, when `payments` was expanded.
fn invoice_payment_intent(invoice: &stripe_shared::Invoice) -> Option<String> {
    invoice.payments.as_ref()?.data.iter().find_map(|payment| {
        (payment.status == "paid")
            .then_some(payment.payment.payment_intent.as_ref())
            .flatten()
            .map(|intent| intent.id().as_str().to_string())
    })
}

/// Where the payment stands, read from Stripe now.
pub async fn status(
    api: &StripeApi,
    key: &StripeKey,
    pay: &StripePay,
) -> Result<Remote, StripeProblem> {
    match pay.mode {
        PayWith::PaymentLink => {
            let sessions = api
                .call(
                    key,
                    &ListCheckoutSession::new()
                        .payment_link(pay.object_id.as_str())
                        .limit(10),
                    None,
                )
                .await?;
            Ok(remote_of_sessions(&sessions.data, pay))
        }
        PayWith::HostedInvoice => {
            // `payments` only comes when asked for: it names the PaymentIntent.
            let request =
                RetrieveInvoice::new(pay.object_id.as_str()).expand(["payments".to_string()]);
            let invoice = api.call(key, &request, None).await?;
            Ok(match invoice.status {
                Some(InvoiceStatus::Paid) => Remote::Paid {
                    reference: pay.object_id.clone(),
                    amount_minor: invoice.amount_paid,
                    payment_intent: invoice_payment_intent(&invoice),
                },
                Some(InvoiceStatus::Void | InvoiceStatus::Uncollectible) => Remote::Voided,
                _ => Remote::Open,
            })
        }
    }
}

/// One checkout session read fresh (for a webhook about it).
pub async fn session_status(
    api: &StripeApi,
    key: &StripeKey,
    session: &str,
    pay: &StripePay,
) -> Result<Remote, StripeProblem> {
    let session = api
        .call(key, &RetrieveCheckoutSession::new(session), None)
        .await?;
    Ok(remote_of_sessions(std::slice::from_ref(&session), pay))
}

/// A checkout session of payment link `link`, which PayTrack has since replaced, read fresh:
/// `Paid`, or `Open` while no money has arrived through it (or it is not that link's).
pub async fn retired_session_status(
    api: &StripeApi,
    key: &StripeKey,
    session: &str,
    link: &str,
) -> Result<Remote, StripeProblem> {
    let session = api
        .call(key, &RetrieveCheckoutSession::new(session), None)
        .await?;
    let of_link = session
        .payment_link
        .as_ref()
        .is_some_and(|l| l.id().as_str() == link);
    Ok(of_link
        .then(|| payment_of(&session, None))
        .flatten()
        .unwrap_or(Remote::Open))
}

/// The payment a session took, if it took one; `amount` stands in for a total Stripe left out.
pub(super) fn payment_of(
    session: &stripe_shared::CheckoutSession,
    amount: Option<i64>,
) -> Option<Remote> {
    let took = matches!(
        session.payment_status,
        CheckoutSessionPaymentStatus::Paid | CheckoutSessionPaymentStatus::NoPaymentRequired
    );
    if !took {
        return None;
    }
    Some(Remote::Paid {
        reference: session.id.as_str().to_string(),
        amount_minor: session.amount_total.or(amount)?,
        payment_intent: session
            .payment_intent
            .as_ref()
            .map(|p| p.id().as_str().to_string()),
    })
}

/// A paid session wins; a completed one still unpaid is a payment settling — unless it is the
/// one already known to have failed.
fn remote_of_sessions(sessions: &[stripe_shared::CheckoutSession], pay: &StripePay) -> Remote {
    if let Some(paid) = sessions
        .iter()
        .find_map(|s| payment_of(s, Some(pay.amount_minor)))
    {
        return paid;
    }
    let settling = sessions.iter().find(|s| {
        s.status == Some(CheckoutSessionStatus::Complete)
            && s.payment_status == CheckoutSessionPaymentStatus::Unpaid
    });
    match settling {
        Some(s)
            if pay.state == PayState::Failed && pay.reference.as_deref() == Some(s.id.as_str()) =>
        {
            Remote::Failed {
                reference: s.id.as_str().to_string(),
            }
        }
        Some(s) => Remote::Processing {
            reference: s.id.as_str().to_string(),
        },
        None => Remote::Open,
    }
}
