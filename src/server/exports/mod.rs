//! Spreadsheets of the user's books: their invoices (as the list shows them, with its
//! filters), their credit notes (`credit_notes`) and their clients, as CSV. Amounts are
//! decimals with a currency column beside them, dates ISO 8601; quoting is the `csv` crate's
//! (RFC 4180), so commas, quotes and line breaks in names survive a round trip through any
//! spreadsheet.

mod credit_notes;

pub use credit_notes::credit_notes_csv;

use crate::domain::invoice_list::ListQuery;
use crate::domain::money::Money;
use crate::error::AppError;
use crate::server::db::users::UserDoc;
use crate::server::db::{self, clients};
use crate::server::invoicing::listing;
use crate::server::jobs::plan::{day_of, today_of};
use crate::server::state::AppState;

/// Invoices read per round while exporting: big enough to be quick, small enough that no
/// round holds much in memory.
const ROUND: usize = 500;
/// The most clients one export lists (far above what anyone has; Free allows a handful).
const MAX_CLIENTS: i64 = 100_000;

const INVOICE_COLUMNS: [&str; 22] = [
    "number",
    "status",
    "overdue",
    "client",
    "company",
    "client_email",
    "client_tax_id",
    "issue_date",
    "due_date",
    "service_from",
    "service_to",
    "currency",
    "subtotal",
    "discount",
    "tax",
    "total",
    "paid",
    "credited",
    "due",
    "sent_on",
    "paid_on",
    "credit_note",
];

/// Every invoice of `user` that `query` matches (its cursor is ignored: all pages), in the
/// list's order.
pub async fn invoices_csv(
    state: &AppState,
    user: &UserDoc,
    mut query: ListQuery,
) -> Result<Vec<u8>, AppError> {
    let today = today_of(user);
    let mut out = writer();
    write(&mut out, INVOICE_COLUMNS)?;
    query.after = None;
    loop {
        let page = listing::list(state, user.id, &query, today, ROUND).await?;
        for invoice in &page.invoices {
            let amount = |minor| Money::from_minor(minor, invoice.currency).to_decimal_string();
            let period = invoice.service_period;
            let sent_on = invoice
                .sent_at
                .map(|at| day_of(at, user).to_string())
                .unwrap_or_default();
            write(
                &mut out,
                [
                    text(&invoice.number),
                    invoice.status.label().to_string(),
                    if invoice.status.is_overdue(invoice.due_date, today) {
                        "yes"
                    } else {
                        "no"
                    }
                    .to_string(),
                    text(&invoice.bill_to.name),
                    text(invoice.bill_to.company.as_deref().unwrap_or_default()),
                    text(invoice.bill_to.emails.first().map_or("", String::as_str)),
                    text(invoice.bill_to.tax_id.as_deref().unwrap_or_default()),
                    invoice.issue_date.to_string(),
                    invoice.due_date.to_string(),
                    period.map(|p| p.first.to_string()).unwrap_or_default(),
                    period.map(|p| p.last.to_string()).unwrap_or_default(),
                    invoice.currency.code().to_string(),
                    amount(invoice.subtotal_minor),
                    amount(invoice.discount_minor),
                    amount(invoice.tax_minor),
                    amount(invoice.total_minor),
                    amount(invoice.paid_minor),
                    amount(invoice.credited_minor),
                    amount(invoice.due_minor),
                    sent_on,
                    invoice.paid_on.map(|d| d.to_string()).unwrap_or_default(),
                    // Every credit note, the one that cancelled it or those that reduced it.
                    invoice
                        .credit_note
                        .iter()
                        .chain(&invoice.reductions)
                        .map(|note| note.number.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                ],
            )?;
        }
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    finish(out)
}

const CLIENT_COLUMNS: [&str; 10] = [
    "name",
    "company",
    "emails",
    "address",
    "country",
    "tax_id",
    "currency",
    "reminders",
    "archived",
    "notes",
];

/// Every client of `user`, archived ones included, by name. Several addresses share one
/// cell, separated by commas (as the client form takes them).
pub async fn clients_csv(state: &AppState, user: &UserDoc) -> Result<Vec<u8>, AppError> {
    let clients = clients::all(&state.db, user.id, MAX_CLIENTS)
        .await
        .map_err(db::failed("listing clients"))?;
    let mut out = writer();
    write(&mut out, CLIENT_COLUMNS)?;
    let yes_no = |flag: bool| if flag { "yes" } else { "no" }.to_string();
    for client in clients {
        write(
            &mut out,
            [
                text(&client.name),
                text(client.company.as_deref().unwrap_or_default()),
                text(&client.emails.join(", ")),
                text(client.address.as_deref().unwrap_or_default()),
                client
                    .country
                    .map(|c| c.code().to_string())
                    .unwrap_or_default(),
                text(client.tax_id.as_deref().unwrap_or_default()),
                client.currency.code().to_string(),
                yes_no(client.reminders),
                yes_no(client.archived),
                text(client.notes.as_deref().unwrap_or_default()),
            ],
        )?;
    }
    finish(out)
}

/// Text a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a tab or carriage return
/// first) is kept as text by a leading apostrophe, so a name like `=HYPERLINK(…)` cannot run
/// when the file is opened (OWASP's advice for CSV exports). Amounts and dates never get one.
fn text(value: &str) -> String {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_string(),
    }
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(Vec::new())
}

fn write<I, T>(out: &mut csv::Writer<Vec<u8>>, record: I) -> Result<(), AppError>
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    out.write_record(record).map_err(|err| {
        tracing::error!(error = %err, "writing a CSV row");
        AppError::Internal
    })
}

fn finish(out: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, AppError> {
    out.into_inner().map_err(|err| {
        tracing::error!(error = %err, "finishing a CSV file");
        AppError::Internal
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_a_spreadsheet_would_run_is_kept_as_text() {
        assert_eq!(text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text("+1 555"), "'+1 555");
        assert_eq!(text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text("Acme, \"Ltd\""), "Acme, \"Ltd\"");
        assert_eq!(text(""), "");
    }

    #[test]
    fn commas_quotes_and_line_breaks_are_quoted() {
        let mut out = writer();
        write(&mut out, ["Acme, \"Ltd\"", "1 Road\nLondon", "plain"]).unwrap();
        let written = String::from_utf8(finish(out).unwrap()).unwrap();
        assert_eq!(written, "\"Acme, \"\"Ltd\"\"\",\"1 Road\nLondon\",plain\n");
    }
}
