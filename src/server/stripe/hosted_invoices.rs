//! A Stripe-hosted invoice for what a PayTrack invoice owes: a draft numbered as PayTrack's
//! (where Stripe takes the number), one item for what is owed, finalized.
//!
//! Each step carries an idempotency key, but a send can fail after Stripe made the invoice and
//! before PayTrack kept it, and the next try may not ask for the same thing: the draft was
//! edited meanwhile, a day went by and Stripe forgot the key, or the due date Stripe is given
//! moved on. The invoice made before would stay in the user's Stripe, open or draft, holding
//! the invoice's number. So, unless this is a send's first try, PayTrack first looks among the
//! customer's invoices for those it made for this invoice and never kept: the one asking what
//! this send asks is finished and used; any other is deleted (a draft) or voided (finalized),
//! so a client is never offered two.

use stripe_billing::invoice::{
    CreateInvoice, DeleteInvoice, FinalizeInvoiceInvoice, ListInvoice, VoidInvoiceInvoice,
};
use stripe_billing::invoice_item::CreateInvoiceItem;
use stripe_shared::{Invoice, InvoiceCollectionMethod, InvoiceStatus};

use super::api_key::StripeKey;
use super::client::{StripeApi, StripeProblem};
use super::opening::{Opening, currency, metadata, once_for};
use crate::domain::date::CalendarDate;
use crate::domain::pay_with::PayWith;
use crate::domain::stripe_pay::{PayState, StripePay};
use crate::server::db::invoices::InvoiceDoc;
use crate::server::digest;

/// The metadata key holding what a hosted invoice was made to ask (`asks`).
const ASKS_MARK: &str = "paytrack_asks";

/// Opens a hosted invoice for `opening.invoice`, addressed to `customer`.
pub(super) async fn open(
    api: &StripeApi,
    key: &StripeKey,
    opening: &Opening<'_>,
    customer: &str,
) -> Result<StripePay, StripeProblem> {
    let invoice = opening.invoice;
    let amount = invoice.due_minor;
    let due = due_at_stripe(invoice.due_date, now_unix());
    let description = items_description(invoice);
    let asks = asks(invoice, due, &description);
    let found = if opening.tried_before {
        made_before(api, key, customer, invoice, &asks).await?
    } else {
        None
    };
    let made = match found {
        Some(made) => made,
        None => create(api, key, invoice, customer, due, &asks).await?,
    };
    let id = made.id.clone().ok_or(StripeProblem::Unexpected)?;
    let finished = if made.status == Some(InvoiceStatus::Open) {
        made
    } else {
        // A draft found already holding the item has its amount due; a new one (or one
        // Stripe hands back for the same key) reads nothing due, and the item's own key makes
        // it once.
        if made.amount_due == 0 {
            let item = CreateInvoiceItem::new()
                .customer(customer)
                .invoice(id.as_str().to_string())
                .amount(amount)
                .currency(currency(invoice)?)
                .description(description);
            api.call(key, &item, Some(&once_for("item", invoice)))
                .await?;
        }
        let finalize = FinalizeInvoiceInvoice::new(id.clone()).auto_advance(false);
        api.call(key, &finalize, Some(&once_for("finalize", invoice)))
            .await?
    };
    let url = finished
        .hosted_invoice_url
        .ok_or(StripeProblem::Unexpected)?;
    Ok(StripePay {
        account_id: opening.account_id.to_string(),
        livemode: Some(opening.livemode),
        mode: PayWith::HostedInvoice,
        object_id: id.as_str().to_string(),
        url,
        amount_minor: amount,
        state: PayState::Open,
        reference: None,
    })
}

/// Makes the draft. Stripe's page offers its own PDF of the invoice: it bears PayTrack's
/// number, so the client never holds two invoice documents numbered apart for one supply.
/// Where Stripe refuses the number (one its account has used: the invoice a part payment
/// replaced, or the user's own), the invoice is numbered by Stripe, its memo naming ours.
async fn create(
    api: &StripeApi,
    key: &StripeKey,
    invoice: &InvoiceDoc,
    customer: &str,
    due: i64,
    asks: &str,
) -> Result<Invoice, StripeProblem> {
    let mut marks = metadata(invoice);
    marks.insert(ASKS_MARK.to_string(), asks.to_string());
    let draft = CreateInvoice::new()
        .customer(customer)
        .currency(currency(invoice)?)
        .collection_method(InvoiceCollectionMethod::SendInvoice)
        .due_date(due)
        // PayTrack sends the emails: Stripe's own stay off.
        .auto_advance(false)
        .description(format!("Invoice {}", invoice.number))
        .metadata(marks);
    let numbered = draft.clone().number(invoice.number.clone());
    match api
        .call(key, &numbered, Some(&once_for("numbered-invoice", invoice)))
        .await
    {
        Err(StripeProblem::Refused {
            field: Some(field), ..
        }) if field == "number" => {
            api.call(key, &draft, Some(&once_for("invoice", invoice)))
                .await
        }
        created => created,
    }
}

/// The hosted invoice PayTrack made for `invoice` before, asking `asks`, and never kept: to
/// be finished and used. Others it made for the invoice and never kept are cleared away. The
/// invoice it kept is never among them: it was closed (paid or voided) before a new one is
/// opened. A client has a few invoices in an account, so one page of 100 is read.
async fn made_before(
    api: &StripeApi,
    key: &StripeKey,
    customer: &str,
    invoice: &InvoiceDoc,
    asks: &str,
) -> Result<Option<Invoice>, StripeProblem> {
    let listed = api
        .call(key, &ListInvoice::new().customer(customer).limit(100), None)
        .await?;
    let ours = invoice.id.to_hex();
    let mut found = None;
    for made in listed.data {
        let mark = |name: &str| made.metadata.as_ref().and_then(|m| m.get(name)).cloned();
        if mark("paytrack_invoice").as_deref() != Some(ours.as_str()) {
            continue;
        }
        let usable = match made.status {
            Some(InvoiceStatus::Draft) => [0, invoice.due_minor].contains(&made.amount_due),
            Some(InvoiceStatus::Open) => made.amount_due == invoice.due_minor,
            _ => continue,
        };
        if found.is_none() && usable && mark(ASKS_MARK).as_deref() == Some(asks) {
            found = Some(made);
        } else {
            clear_away(api, key, &made).await?;
        }
    }
    Ok(found)
}

/// Deletes a draft, voids an open invoice: neither can be paid after.
async fn clear_away(api: &StripeApi, key: &StripeKey, made: &Invoice) -> Result<(), StripeProblem> {
    let id = made.id.clone().ok_or(StripeProblem::Unexpected)?;
    if made.status != Some(InvoiceStatus::Draft) {
        return void(api, key, &id).await;
    }
    match api.call(key, &DeleteInvoice::new(id), None).await {
        // Finalized or deleted meanwhile: the next look finds it or nothing.
        Ok(_) | Err(StripeProblem::Refused { .. } | StripeProblem::NotFound) => Ok(()),
        Err(problem) => Err(problem),
    }
}

/// Voids the hosted invoice `id`, so it can no longer be paid; one already paid, voided or
/// gone is left as it is — there is nothing left to stop.
pub(super) async fn void(api: &StripeApi, key: &StripeKey, id: &str) -> Result<(), StripeProblem> {
    match api.call(key, &VoidInvoiceInvoice::new(id), None).await {
        Ok(_) | Err(StripeProblem::Refused { .. } | StripeProblem::NotFound) => Ok(()),
        Err(problem) => Err(problem),
    }
}

/// What a hosted invoice for `invoice` asks of the client, as a short digest: the invoice and
/// the link it follows, what it is for and how much, and when it is due at Stripe.
fn asks(invoice: &InvoiceDoc, due: i64, description: &str) -> String {
    let after = invoice
        .stripe
        .as_ref()
        .map(|old| old.object_id.as_str())
        .unwrap_or_default();
    let terms = format!(
        "{}\n{}\n{}\n{}\n{due}\n{after}\n{description}",
        invoice.id.to_hex(),
        invoice.number,
        invoice.due_minor,
        invoice.currency.code(),
    );
    digest::short(terms)
}

/// When the hosted invoice falls due: the end of the invoice's due date (UTC), or, for one due
/// within the hour or overdue, the end of the day an hour from now — Stripe refuses a due date
/// in the past. A day, not an hour from now: a send tried again later the same day asks the
/// same, and finds what the first try made.
fn due_at_stripe(due_date: CalendarDate, now: i64) -> i64 {
    const DAY: i64 = 86_400;
    let due_end = due_date.days_since_epoch() * DAY + DAY - 1;
    let soonest = (now + 3600).div_euclid(DAY) * DAY + DAY - 1;
    due_end.max(soonest)
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

#[cfg(test)]
mod tests {
    use super::due_at_stripe;
    use crate::domain::date::CalendarDate;

    /// Seconds since the epoch at `hh:mm` UTC on `date`.
    fn at(date: &str, hh: i64, mm: i64) -> i64 {
        CalendarDate::parse(date).unwrap().days_since_epoch() * 86_400 + hh * 3600 + mm * 60
    }

    #[test]
    fn a_hosted_invoice_falls_due_with_paytracks_unless_that_is_past_or_within_the_hour() {
        let due = CalendarDate::parse("2026-12-20").unwrap();
        let end_of_due_date = at("2026-12-21", 0, 0) - 1;
        assert_eq!(due_at_stripe(due, at("2026-12-06", 9, 30)), end_of_due_date);
        assert_eq!(
            due_at_stripe(due, at("2026-12-20", 22, 59)),
            end_of_due_date
        );
        // Overdue, or due within the hour: the end of the day an hour from now.
        assert_eq!(
            due_at_stripe(due, at("2026-12-20", 23, 0)),
            at("2026-12-22", 0, 0) - 1
        );
        assert_eq!(
            due_at_stripe(due, at("2027-01-05", 8, 0)),
            at("2027-01-06", 0, 0) - 1
        );
    }

    #[test]
    fn an_overdue_invoice_asks_stripe_the_same_all_day() {
        let overdue = CalendarDate::parse("2026-11-01").unwrap();
        let morning = due_at_stripe(overdue, at("2026-12-06", 0, 1));
        assert_eq!(morning, due_at_stripe(overdue, at("2026-12-06", 18, 45)));
        assert_eq!(morning, due_at_stripe(overdue, at("2026-12-06", 22, 59)));
        assert!(morning > at("2026-12-06", 23, 59));
    }
}
