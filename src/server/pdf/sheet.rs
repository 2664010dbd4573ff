//! Which document of an invoice a sheet is, and the amounts it states under its lines: an
//! invoice's totals with what was paid and credited against it, or what a credit note takes
//! back — all of it, or for a reduction one line with the taxes shared pro rata as the
//! invoice charged them.

use crate::domain::credit_note::CreditNoteView;
use crate::domain::invoice_document::{InvoiceDocument, LineView, TaxLineView};
use crate::domain::money::Money;

/// Which document of an invoice the sheet is.
#[derive(Clone, Copy)]
pub enum Sheet<'a> {
    Invoice,
    /// One of its credit notes: the one that cancelled it, or one that reduced it.
    CreditNote(&'a CreditNoteView),
}

/// An amount as the sheet states it: taken back (with a minus) on a credit note.
pub(super) fn stated(amount: Money, sheet: Sheet<'_>) -> String {
    match sheet {
        Sheet::Invoice => amount.to_string(),
        Sheet::CreditNote(_) if amount.minor() == 0 => amount.to_string(),
        Sheet::CreditNote(_) => format!("−{amount}"),
    }
}

/// A label, an amount as stated, and whether it is a total (bold).
pub(super) type Row = (String, String, bool);

/// What a reducing credit note lists: one line for the reduction, its taxes, its total.
pub(super) struct Reduction {
    pub line: LineView,
    pub taxes: Vec<TaxLineView>,
    pub amount: Money,
}

/// The reduction `sheet` states, when it is a credit note that reduces (not cancels) the
/// invoice.
pub(super) fn reduction_of(document: &InvoiceDocument, sheet: Sheet<'_>) -> Option<Reduction> {
    let Sheet::CreditNote(note) = sheet else {
        return None;
    };
    let reduces = note.reduces.as_ref()?;
    let credited = document.credited_by(note);
    Some(Reduction {
        line: LineView {
            description: format!(
                "Reduction of invoice {}: {}",
                document.number, reduces.reason
            ),
            quantity: "1".to_string(),
            unit_price: credited.net,
            amount: credited.net,
        },
        taxes: credited.taxes,
        amount: credited.total,
    })
}

/// The totals of the invoice's own lines, one row per tax; on the invoice, then what was paid,
/// each credit note that reduced it, and what is left.
pub(super) fn totals_rows(document: &InvoiceDocument, sheet: Sheet<'_>) -> Vec<Row> {
    let totals = &document.totals;
    let mut rows: Vec<Row> = vec![("Subtotal".into(), stated(totals.subtotal, sheet), false)];
    if let Some(label) = &document.discount_label {
        // Taken back on a credit note, a discount is given back: the sign turns.
        let discount = match sheet {
            Sheet::Invoice => format!("−{}", totals.discount),
            Sheet::CreditNote(_) => totals.discount.to_string(),
        };
        rows.push((label.clone(), discount, false));
    }
    for tax in &document.taxes {
        rows.push((tax.label.clone(), stated(tax.amount, sheet), false));
    }
    let total = match sheet {
        Sheet::Invoice => "Total",
        Sheet::CreditNote(_) => "Total credited",
    };
    rows.push((total.into(), stated(totals.total, sheet), true));
    if !matches!(sheet, Sheet::Invoice) {
        return rows;
    }
    if totals.paid.minor() > 0 {
        rows.push(("Paid".into(), format!("−{}", totals.paid), false));
    }
    for note in &document.reductions {
        if let Some(reduces) = &note.reduces {
            let label = format!("Credit note {}", note.number);
            rows.push((label, format!("−{}", reduces.amount), false));
        }
    }
    if totals.paid.minor() > 0 || totals.credited.minor() > 0 {
        rows.push(("Amount due".into(), totals.due.to_string(), true));
    }
    rows
}
