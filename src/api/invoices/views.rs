//! Stored invoices as the browser sees them. Server-only: these read the database's
//! documents, which never cross the wire themselves.

use crate::domain::date::CalendarDate;
use crate::domain::money::Money;
use crate::server::db::invoices::{InvoiceDoc, ListedInvoice};
use crate::server::db::users::UserDoc;
use crate::server::state::AppState;

use super::wire::{DisputeView, ExtraPaymentView, HandPaymentView, InvoiceDetail, InvoiceRow};
use crate::domain::dispute::DisputeState;

pub fn row(invoice: &ListedInvoice, today: CalendarDate) -> InvoiceRow {
    InvoiceRow {
        id: invoice.id.to_hex(),
        number: invoice.number.clone(),
        client_id: invoice.client_id.to_hex(),
        client_name: invoice.bill_to.name.clone(),
        status: invoice.status,
        overdue: invoice.status.is_overdue(invoice.due_date, today),
        issue_date: invoice.issue_date,
        due_date: invoice.due_date,
        total: Money::from_minor(invoice.total_minor, invoice.currency),
        due: Money::from_minor(invoice.due_minor, invoice.currency),
    }
}

pub fn detail(
    state: &AppState,
    invoice: &InvoiceDoc,
    user: &UserDoc,
    today: CalendarDate,
) -> InvoiceDetail {
    let local = |at| crate::server::jobs::plan::day_of(at, user);
    InvoiceDetail {
        id: invoice.id.to_hex(),
        client_id: invoice.client_id.to_hex(),
        document: crate::server::invoicing::document::build(invoice, user, today),
        public_url: invoice
            .public_token
            .as_ref()
            .map(|token| format!("{}/i/{token}", state.config.base_url)),
        input: invoice.draft().to_input(),
        today,
        extra_payments: invoice
            .extra_payments
            .iter()
            .map(|extra| {
                let taken_back = extra
                    .dispute
                    .as_ref()
                    .filter(|d| d.moves == 1)
                    .map_or(0, |d| d.uncounted_minor);
                ExtraPaymentView {
                    amount: Money::from_minor(extra.amount_minor, invoice.currency),
                    on: local(extra.at),
                    reference: extra.reference.clone(),
                    refunded: (extra.refunded_minor > 0)
                        .then(|| Money::from_minor(extra.refunded_minor, invoice.currency)),
                    taken_back: (taken_back > 0)
                        .then(|| Money::from_minor(taken_back, invoice.currency)),
                    to_refund: Money::from_minor(
                        extra
                            .amount_minor
                            .saturating_sub(extra.refunded_minor)
                            .saturating_sub(taken_back),
                        invoice.currency,
                    ),
                }
            })
            .collect(),
        pay_way: None,
        hand_payments: invoice
            .payments
            .iter()
            .filter(|p| p.method != crate::domain::payment::PaymentMethod::Stripe)
            .map(|p| HandPaymentView {
                id: p.id.to_hex(),
                amount: Money::from_minor(p.amount_minor, invoice.currency),
                date: p.date,
                method: p.method.label().to_string(),
                refunded: (p.refunded_minor > 0)
                    .then(|| Money::from_minor(p.refunded_minor, invoice.currency)),
            })
            .collect(),
        written_off_on: invoice.written_off_at.map(local),
        disputes: invoice
            .payments
            .iter()
            .filter_map(|p| p.dispute.as_ref())
            .map(|d| DisputeView {
                state: DisputeState::of(&d.status),
                amount: Money::from_minor(d.amount_minor, invoice.currency),
                opened_on: local(d.heard_at),
                respond_by: d.respond_by.map(local),
                to_refund: (d.spare_minor() > 0)
                    .then(|| Money::from_minor(d.spare_minor(), invoice.currency)),
            })
            .collect(),
    }
}
