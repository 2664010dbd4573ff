//! The register of credit notes as a spreadsheet: every credit note the user issued, in the
//! order of its series, with what it took back — net, tax and in all, split as its PDF says —
//! for the books and the tax return that the invoice export alone would leave out.

use super::{finish, text, write, writer};
use crate::domain::invoice_document::InvoiceDocument;
use crate::error::AppError;
use crate::server::db::invoices::{self, CreditNoteDoc, InvoiceDoc};
use crate::server::db::users::UserDoc;
use crate::server::invoicing::document;
use crate::server::jobs::plan::today_of;
use crate::server::state::AppState;

const COLUMNS: [&str; 14] = [
    "number",
    "issued_on",
    "kind",
    "invoice",
    "invoice_date",
    "client",
    "company",
    "client_tax_id",
    "reason",
    "currency",
    "net",
    "tax",
    "total",
    "emailed_to",
];

/// Every credit note of `user`, oldest first. Amounts are what each one credits, positive.
pub async fn credit_notes_csv(state: &AppState, user: &UserDoc) -> Result<Vec<u8>, AppError> {
    let invoices = invoices::with_credit_notes(&state.db, user.id)
        .await
        .map_err(crate::server::db::failed("reading credit notes"))?;
    // Each invoice as a document once, however many credit notes it has.
    let today = today_of(user);
    let documents: Vec<InvoiceDocument> = invoices
        .iter()
        .map(|invoice| document::build(invoice, user, today))
        .collect();
    let mut notes: Vec<(&CreditNoteDoc, &InvoiceDoc, &InvoiceDocument)> = invoices
        .iter()
        .zip(&documents)
        .flat_map(|(invoice, document)| {
            invoice
                .credit_note
                .iter()
                .chain(&invoice.reductions)
                .map(move |note| (note, invoice, document))
        })
        .collect();
    notes.sort_by_key(|(note, _, _)| note.sequence);
    let mut out = writer();
    write(&mut out, COLUMNS)?;
    for (note, invoice, document) in notes {
        let view = note.view(invoice.currency);
        let credited = document.credited_by(&view);
        let tax: i64 = credited.taxes.iter().map(|tax| tax.amount.minor()).sum();
        let tax = crate::domain::money::Money::from_minor(tax, invoice.currency);
        let (kind, reason) = match &view.reduces {
            None => ("cancels", String::new()),
            Some(reduces) => ("reduces", reduces.reason.clone()),
        };
        write(
            &mut out,
            [
                text(&note.number),
                note.issued_on.to_string(),
                kind.to_string(),
                text(&invoice.number),
                invoice.issue_date.to_string(),
                text(&invoice.bill_to.name),
                text(invoice.bill_to.company.as_deref().unwrap_or_default()),
                text(invoice.bill_to.tax_id.as_deref().unwrap_or_default()),
                text(&reason),
                invoice.currency.code().to_string(),
                credited.net.to_decimal_string(),
                tax.to_decimal_string(),
                credited.total.to_decimal_string(),
                text(note.emailed_to.as_deref().unwrap_or_default()),
            ],
        )?;
    }
    finish(out)
}
