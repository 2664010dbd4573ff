//! What opening a payment for an invoice takes, and what every create for it carries: the
//! currency as Stripe spells it, the marks naming the PayTrack invoice, and the idempotency key.

use std::collections::HashMap;
use std::str::FromStr;

use super::client::StripeProblem;
use crate::server::db::invoices::InvoiceDoc;

/// What is needed to open a payment for an invoice.
pub struct Opening<'a> {
    pub account_id: &'a str,
    pub livemode: bool,
    pub through: Through<'a>,
    pub invoice: &'a InvoiceDoc,
    /// The client's page, where a paid checkout returns to.
    pub return_url: &'a str,
    /// Whether an earlier try may have made something at Stripe for this invoice and not kept
    /// it (a send tried before, a replacement): then it is looked for first.
    pub tried_before: bool,
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
pub(super) fn currency(invoice: &InvoiceDoc) -> Result<stripe_types::Currency, StripeProblem> {
    stripe_types::Currency::from_str(&invoice.currency.code().to_lowercase())
        .map_err(|_| StripeProblem::Unexpected)
}

/// The idempotency key of creating `what` for what `invoice` owes now. The amount tells a link
/// after a part payment from the first; the link it follows tells one opened again at the same
/// amount (a payment recorded by mistake, taken off) from the one closed before, which Stripe
/// would otherwise hand back for the same key.
pub(super) fn once_for(what: &str, invoice: &InvoiceDoc) -> String {
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

pub(super) fn metadata(invoice: &InvoiceDoc) -> HashMap<String, String> {
    HashMap::from([
        ("paytrack_invoice".to_string(), invoice.id.to_hex()),
        ("paytrack_number".to_string(), invoice.number.clone()),
    ])
}
