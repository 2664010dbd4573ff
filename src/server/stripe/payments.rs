//! What a client pays through, in the user's own Stripe account: a Payment Link for the
//! amount due, or a finalized Stripe-hosted invoice with the same lines. Every create carries an
//! idempotency key made of the invoice id and the amount, so a retry, a double click or two
//! servers never create two, while a new amount (after a part payment) gets a new one.
//! Also reads where a payment stands, for webhooks (which re-fetch) and reconciliation.

use std::collections::HashMap;
use std::str::FromStr;

use stripe_billing::invoice::{
    CreateInvoice, FinalizeInvoiceInvoice, RetrieveInvoice, VoidInvoiceInvoice,
};
use stripe_billing::invoice_item::CreateInvoiceItem;
use stripe_checkout::checkout_session::{ListCheckoutSession, RetrieveCheckoutSession};
use stripe_payment::payment_link::{
    AfterCompletionRedirectParams, CompletedSessionsParams, CreatePaymentLink,
    CreatePaymentLinkAfterCompletion, CreatePaymentLinkAfterCompletionType,
    CreatePaymentLinkLineItems, CreatePaymentLinkLineItemsPriceData,
    CreatePaymentLinkLineItemsPriceDataProductData, RestrictionsParams, UpdatePaymentLink,
};
use stripe_shared::{
    CheckoutSessionPaymentStatus, CheckoutSessionStatus, InvoiceCollectionMethod, InvoiceStatus,
};

use super::api_key::StripeKey;
use super::client::{StripeApi, StripeProblem};
use crate::domain::pay_with::PayWith;
use crate::domain::stripe_pay::{PayState, StripePay};
use crate::server::db::invoices::InvoiceDoc;

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

/// What is needed to open a payment for an invoice.
pub struct Opening<'a> {
    pub account_id: &'a str,
    pub livemode: bool,
    pub through: Through<'a>,
    pub invoice: &'a InvoiceDoc,
    /// The client's page, where a paid checkout returns to.
    pub return_url: &'a str,
}

/// What the client will pay through.
pub enum Through<'a> {
    PaymentLink,
    /// A Stripe-hosted invoice, addressed to the client's customer in this account
    /// (`customers::customer_for`).
    HostedInvoice {
        customer: &'a str,
    },
}

/// The currency as Stripe spells it.
fn currency(invoice: &InvoiceDoc) -> Result<stripe_types::Currency, StripeProblem> {
    stripe_types::Currency::from_str(&invoice.currency.code().to_lowercase())
        .map_err(|_| StripeProblem::Unexpected)
}

/// The idempotency key of creating `what` for what `invoice` owes now. The amount tells a link
/// after a part payment from the first; the link it follows tells one opened again at the same
/// amount (a payment recorded by mistake, taken off) from the one closed before, which Stripe
/// would otherwise hand back for the same key.
fn once_for(what: &str, invoice: &InvoiceDoc) -> String {
    let after = invoice
        .stripe
        .as_ref()
        .map(|old| format!("-after-{}", old.object_id))
        .unwrap_or_default();
    format!(
        "paytrack-{what}-{}-{}{after}",
        invoice.id.to_hex(),
        invoice.due_minor
    )
}

fn metadata(invoice: &InvoiceDoc) -> HashMap<String, String> {
    HashMap::from([
        ("paytrack_invoice".to_string(), invoice.id.to_hex()),
        ("paytrack_number".to_string(), invoice.number.clone()),
    ])
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
        Through::HostedInvoice { customer } => hosted_invoice(api, key, opening, customer).await,
    }
}

async fn hosted_invoice(
    api: &StripeApi,
    key: &StripeKey,
    opening: &Opening<'_>,
    customer: &str,
) -> Result<StripePay, StripeProblem> {
    let invoice = opening.invoice;
    let amount = invoice.due_minor;
    // Due at the end of the due date, and never in the past (Stripe refuses that).
    let due = (invoice.due_date.days_since_epoch() * 86_400 + 86_399).max(now_unix() + 3600);
    let draft = CreateInvoice::new()
        .customer(customer)
        .currency(currency(invoice)?)
        .collection_method(InvoiceCollectionMethod::SendInvoice)
        .due_date(due)
        // PayTrack sends the emails: Stripe's own stay off.
        .auto_advance(false)
        .description(format!("Invoice {}", invoice.number))
        .metadata(metadata(invoice));
    // Stripe's page offers its own PDF of the invoice: it bears PayTrack's number, so the
    // client never holds two invoice documents numbered apart for one supply. Where Stripe
    // refuses the number (one its account has used: the invoice a part payment replaced, or
    // the user's own), the invoice is numbered by Stripe, its memo naming ours.
    let numbered = draft.clone().number(invoice.number.clone());
    let created = match api
        .call(key, &numbered, Some(&once_for("numbered-invoice", invoice)))
        .await
    {
        Err(StripeProblem::Refused {
            field: Some(field), ..
        }) if field == "number" => {
            api.call(key, &draft, Some(&once_for("invoice", invoice)))
                .await?
        }
        created => created?,
    };
    let stripe_invoice = created.id.clone().ok_or(StripeProblem::Unexpected)?;
    // One item for what is still owed, described by the invoice's lines: a part payment made
    // outside Stripe must not be billed twice, and Stripe's total must equal ours exactly.
    let description = items_description(invoice);
    let item = CreateInvoiceItem::new()
        .customer(customer)
        .invoice(stripe_invoice.as_str().to_string())
        .amount(amount)
        .currency(currency(invoice)?)
        .description(description);
    api.call(key, &item, Some(&once_for("item", invoice)))
        .await?;
    let finalized = api
        .call(
            key,
            &FinalizeInvoiceInvoice::new(stripe_invoice.clone()).auto_advance(false),
            Some(&once_for("finalize", invoice)),
        )
        .await?;
    let url = finalized
        .hosted_invoice_url
        .ok_or(StripeProblem::Unexpected)?;
    Ok(StripePay {
        account_id: opening.account_id.to_string(),
        livemode: Some(opening.livemode),
        mode: PayWith::HostedInvoice,
        object_id: stripe_invoice.as_str().to_string(),
        url,
        amount_minor: amount,
        state: PayState::Open,
        reference: None,
    })
}

/// The Stripe invoice's single line: the invoice number, then each of our lines.
fn items_description(invoice: &InvoiceDoc) -> String {
    let mut text = format!("Invoice {}", invoice.number);
    for line in invoice.lines.iter().take(20) {
        text.push_str(&format!("; {} × {}", line.quantity, line.description));
    }
    if invoice.paid_minor > 0 {
        text.push_str("; less payments received");
    }
    text.chars().take(480).collect()
}

fn now_unix() -> i64 {
    jiff::Timestamp::now().as_second()
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
        PayWith::HostedInvoice => {
            match api
                .call(key, &VoidInvoiceInvoice::new(pay.object_id.as_str()), None)
                .await
            {
                Ok(_) => {}
                // Already paid or voided in Stripe: nothing left to stop.
                Err(StripeProblem::Refused { .. } | StripeProblem::NotFound) => {}
                Err(problem) => return Err(problem),
            }
        }
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
