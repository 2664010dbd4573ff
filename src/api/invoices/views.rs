//! Stored invoices as the browser sees them. Server-only: these read the database's
//! documents, which never cross the wire themselves.

use crate::domain::date::CalendarDate;
use crate::domain::invoice::{Discount, Totals};
use crate::domain::money::Money;
use crate::domain::stripe_pay::PayState;
use crate::server::db::invoices::InvoiceDoc;
use crate::server::db::users::UserDoc;
use crate::server::state::AppState;

use super::wire::{
    BillToView, ExtraPaymentView, InvoiceDetail, InvoiceDocument, InvoiceRow, LineView, PaymentView,
};

pub fn row(invoice: &InvoiceDoc, today: CalendarDate) -> InvoiceRow {
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

pub fn document(invoice: &InvoiceDoc, user: &UserDoc, today: CalendarDate) -> InvoiceDocument {
    let money = |minor| Money::from_minor(minor, invoice.currency);
    let paid = invoice.paid_minor;
    // Computed again rather than read back, so the page and the stored figures come from
    // the one function; they agree unless the document was edited by hand.
    let totals = invoice.draft().totals(paid).unwrap_or(Totals {
        subtotal: money(invoice.subtotal_minor),
        discount: money(invoice.discount_minor),
        tax: money(invoice.tax_minor),
        total: money(invoice.total_minor),
        paid: money(paid),
        due: money(invoice.due_minor),
    });
    let overdue = invoice.status.is_overdue(invoice.due_date, today);
    InvoiceDocument {
        number: invoice.number.clone(),
        status: invoice.status,
        overdue,
        days_overdue: if overdue {
            invoice.due_date.days_until(today)
        } else {
            0
        },
        from_name: user.name.clone(),
        from_email: user.email.clone(),
        bill_to: BillToView {
            name: invoice.bill_to.name.clone(),
            company: invoice.bill_to.company.clone(),
            address: invoice.bill_to.address.clone(),
            emails: invoice.bill_to.emails.clone(),
        },
        issue_date: invoice.issue_date,
        due_date: invoice.due_date,
        lines: lines(invoice),
        discount_label: match invoice.discount {
            Discount::None => None,
            Discount::Percent(rate) => Some(format!("Discount ({}%)", rate)),
            Discount::Fixed(_) => Some("Discount".to_string()),
        },
        tax_label: (!invoice.tax_rates.is_empty()).then(|| {
            let rates: Vec<String> = invoice
                .tax_rates
                .iter()
                .map(|rate| format!("{rate}%"))
                .collect();
            format!("Tax ({})", rates.join(" + "))
        }),
        totals,
        notes: invoice.notes.clone(),
        pay_url: crate::server::email::invoice_emails::pay_url(invoice),
        branded: false,
        payment_processing: invoice.status.is_collectable()
            && invoice
                .stripe
                .as_ref()
                .is_some_and(|p| p.state == PayState::Processing),
        payments: invoice
            .payments
            .iter()
            .map(|p| PaymentView {
                amount: money(p.amount_minor),
                date: p.date,
                method: p.method.label().to_string(),
            })
            .collect(),
    }
}

/// Each line with its amount, from the one totals function.
fn lines(invoice: &InvoiceDoc) -> Vec<LineView> {
    let money = |minor| Money::from_minor(minor, invoice.currency);
    invoice
        .lines
        .iter()
        .map(|line| {
            let amount = crate::domain::invoice::totals(
                invoice.currency,
                std::slice::from_ref(line),
                Discount::None,
                &[],
                0,
            )
            .map(|t| t.subtotal)
            .unwrap_or(money(0));
            LineView {
                description: line.description.clone(),
                quantity: line.quantity.to_string(),
                unit_price: money(line.unit_price_minor),
                amount,
            }
        })
        .collect()
}

pub fn detail(
    state: &AppState,
    invoice: &InvoiceDoc,
    user: &UserDoc,
    today: CalendarDate,
) -> InvoiceDetail {
    InvoiceDetail {
        id: invoice.id.to_hex(),
        client_id: invoice.client_id.to_hex(),
        document: document(invoice, user, today),
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
                use crate::server::jobs::plan::{from_bson, local_date, zone_of};
                ExtraPaymentView {
                    amount: Money::from_minor(extra.amount_minor, invoice.currency),
                    on: local_date(from_bson(extra.at), &zone_of(user)),
                    reference: extra.reference.clone(),
                }
            })
            .collect(),
    }
}
