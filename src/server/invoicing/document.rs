//! An invoice as a document (`domain::invoice_document`): the stored invoice, its seller as the
//! business profile names them, each tax with its amount and what the law asks to be said.
//! The invoice page, the client's page, the emails and the PDF all start from this.

use crate::domain::date::CalendarDate;
use crate::domain::invoice::{Discount, Totals, tax_amounts};
use crate::domain::invoice_document::{
    BillToView, InvoiceDocument, LineView, PaymentView, SellerView, TaxLineView,
};
use crate::domain::money::Money;
use crate::domain::tax::{REVERSE_CHARGE_NOTE, is_reverse_charge};
use crate::server::db::invoices::{InvoiceDoc, SellerDoc};
use crate::server::db::users::UserDoc;

pub fn build(invoice: &InvoiceDoc, user: &UserDoc, today: CalendarDate) -> InvoiceDocument {
    let money = |minor| Money::from_minor(minor, invoice.currency);
    let paid = invoice.paid_minor;
    // Computed again rather than read back, so the page and the stored figures come from
    // the one function; they agree unless the document was edited by hand.
    let totals = match invoice.draft().totals(paid) {
        Ok(totals) => totals.with_credited(invoice.credited_minor),
        Err(_) => Totals {
            subtotal: money(invoice.subtotal_minor),
            discount: money(invoice.discount_minor),
            tax: money(invoice.tax_minor),
            total: money(invoice.total_minor),
            paid: money(paid),
            credited: money(invoice.credited_minor),
            due: money(invoice.due_minor),
        },
    };
    let overdue = invoice.status.is_overdue(invoice.due_date, today);
    let sender = invoice
        .seller
        .clone()
        .unwrap_or_else(|| SellerDoc::of(user));
    let business = &sender.business;
    let reverse_charge = is_reverse_charge(
        business.country,
        invoice.bill_to.country,
        invoice.bill_to.tax_id.is_some(),
        &invoice.taxes,
    );
    InvoiceDocument {
        number: invoice.number.clone(),
        status: invoice.status,
        overdue,
        days_overdue: if overdue {
            invoice.due_date.days_until(today)
        } else {
            0
        },
        from: seller(user, &sender),
        bill_to: BillToView {
            name: invoice.bill_to.name.clone(),
            company: invoice.bill_to.company.clone(),
            address: invoice.bill_to.address.clone(),
            country: invoice.bill_to.country.map(|c| c.name().to_string()),
            tax_id: invoice.bill_to.tax_id.clone(),
            emails: invoice.bill_to.emails.clone(),
        },
        issue_date: invoice.issue_date,
        due_date: invoice.due_date,
        service_period: invoice.service_period,
        lines: lines(invoice),
        discount_label: match invoice.discount {
            Discount::None => None,
            Discount::Percent(rate) => Some(format!("Discount ({}%)", rate)),
            Discount::Fixed(_) => Some("Discount".to_string()),
        },
        taxes: tax_lines(invoice, &totals),
        totals,
        reverse_charge: reverse_charge.then(|| REVERSE_CHARGE_NOTE.to_string()),
        notes: invoice.notes.clone(),
        payment_instructions: business.payment_instructions.clone(),
        footer: business.footer.clone(),
        pay_url: crate::server::email::invoice_emails::pay_url(invoice),
        branded: false,
        replies_hold_reminders: false,
        promise: None,
        credit_note: invoice
            .credit_note
            .as_ref()
            .map(|note| note.view(invoice.currency)),
        reductions: invoice
            .reductions
            .iter()
            .map(|note| note.view(invoice.currency))
            .collect(),
        payment_processing: invoice.status.is_collectable() && invoice.stripe_payment_processing(),
        payments: invoice
            .payments
            .iter()
            .map(|p| PaymentView {
                amount: money(p.amount_minor),
                date: p.date,
                method: p.method.label().to_string(),
                refunded: (p.refunded_minor > 0).then(|| money(p.refunded_minor)),
                disputed: p
                    .dispute
                    .as_ref()
                    .filter(|d| d.moves == 1 && d.uncounted_minor > 0)
                    .map(|d| money(d.uncounted_minor)),
            })
            .collect(),
    }
}

/// The seller: the business profile where it says something, the account otherwise (both as
/// they were when the invoice was sent).
fn seller(user: &UserDoc, sender: &SellerDoc) -> SellerView {
    let business = &sender.business;
    SellerView {
        name: sender.name.clone(),
        legal_name: business.legal_name.clone(),
        address: business.address.clone(),
        country: business.country.map(|c| c.name().to_string()),
        tax_id: business.tax_id.clone(),
        email: business
            .email
            .as_ref()
            .map_or_else(|| sender.email.clone(), |e| e.as_str().to_string()),
        phone: business.phone.clone(),
        logo_url: user.logo.as_ref().map(|logo| logo.path(user.id)),
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

/// One line per tax, from the same rounding as the totals.
fn tax_lines(invoice: &InvoiceDoc, totals: &Totals) -> Vec<TaxLineView> {
    let taxable = totals.subtotal.minor() - totals.discount.minor();
    let rates: Vec<_> = invoice.taxes.iter().map(|t| t.rate).collect();
    let amounts = tax_amounts(taxable, &rates).unwrap_or_default();
    invoice
        .taxes
        .iter()
        .zip(amounts)
        .map(|(tax, amount)| TaxLineView {
            label: tax.label(),
            amount: Money::from_minor(amount, invoice.currency),
        })
        .collect()
}
