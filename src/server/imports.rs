//! Clients from a spreadsheet: a CSV read into client forms, each row checked as the client
//! form checks it and against the clients the user has (a client is the same client when an
//! email address matches, in any case). `preview` saves nothing; `import` reads the file again
//! (the browser's copy of the preview is not trusted) and adds the rows that are ready.

use std::collections::HashSet;

use crate::domain::client::ClientInput;
use crate::domain::country::Country;
use crate::domain::money::Currency;
use crate::error::AppError;
use crate::server::clients;
use crate::server::db::users::UserDoc;
use crate::server::db::{self, client_rows};
use crate::server::state::AppState;

/// The most rows one file may hold, and its size: an import is a one-off move from another
/// tool, not a sync.
pub const MAX_ROWS: usize = 1000;
pub const MAX_BYTES: usize = 1024 * 1024;

/// One row of the file and what importing it would do.
pub struct Row {
    /// The line of the file it starts on (the header is line 1).
    pub line: u64,
    pub input: ClientInput,
    pub verdict: Verdict,
}

pub enum Verdict {
    Ready,
    /// What is wrong with it, field by field, in one sentence.
    Invalid(String),
    /// A client (or an earlier row) already has this address.
    Duplicate(String),
}

/// What each row would do; nothing is saved.
pub async fn preview(state: &AppState, user: &UserDoc, text: &str) -> Result<Vec<Row>, AppError> {
    let usual = clients::usual_currency(state, user).await?;
    let inputs = read(text, usual).map_err(AppError::Rejected)?;
    let existing = client_rows::read(&state.db, user.id, true, "", None, 100_000)
        .await
        .map_err(db::failed("reading your clients"))?;
    let mut known: HashSet<String> = existing
        .iter()
        .flat_map(|c| c.emails.iter().map(|e| e.to_lowercase()))
        .collect();
    Ok(inputs
        .into_iter()
        .map(|(line, input)| {
            let verdict = match input.parse() {
                Err(errors) => Verdict::Invalid(
                    [
                        errors.name,
                        errors.emails,
                        errors.company,
                        errors.address,
                        errors.country,
                        errors.tax_id,
                        errors.currency,
                        errors.notes,
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
                ),
                Ok(client) => {
                    let addresses: Vec<String> =
                        client.emails.iter().map(|e| e.identity()).collect();
                    match addresses.iter().find(|a| known.contains(*a)) {
                        Some(address) => Verdict::Duplicate(address.clone()),
                        None => {
                            known.extend(addresses);
                            Verdict::Ready
                        }
                    }
                }
            };
            Row {
                line,
                input,
                verdict,
            }
        })
        .collect())
}

/// Adds every ready row, in the file's order; returns how many were added. Free's client limit
/// stops it part way with its message (the clients added before stay).
pub async fn import(state: &AppState, user: &UserDoc, text: &str) -> Result<usize, AppError> {
    let mut added = 0;
    for row in preview(state, user, text).await? {
        if let (Verdict::Ready, Ok(client)) = (&row.verdict, row.input.parse()) {
            match clients::create(state, user, &client).await {
                Ok(_) => added += 1,
                Err(AppError::PlanLimit(message)) if added > 0 => {
                    return Err(AppError::PlanLimit(format!(
                        "{added} clients were added, then: {message}"
                    )));
                }
                Err(err) => return Err(err),
            }
        }
    }
    Ok(added)
}

/// What separates the columns: a comma, or what the header line holds more of — a semicolon
/// (how spreadsheets write CSV where the comma is the decimal mark, as in most of Europe) or
/// a tab (a sheet saved as text). Separators inside quotes don't count.
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    let mut quoted = false;
    let mut counts = [(b',', 0), (b';', 0), (b'\t', 0)];
    for byte in header.bytes() {
        if byte == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(count) = counts.iter_mut().find(|(d, _)| *d == byte) {
            count.1 += 1;
        }
    }
    // The first of the most frequent, so a tie (none at all) keeps the comma.
    counts
        .iter()
        .fold(
            (b',', 0),
            |best, &(d, n)| if n > best.1 { (d, n) } else { best },
        )
        .0
}

/// The rows of `text` as client forms, by the header's column names (in any case and order;
/// "email" or "emails", "tax_id" or "vat"; others are ignored). A row without a currency is in
/// its country's, else in `usual` (what a new client of the user's starts in).
fn read(text: &str, usual: Currency) -> Result<Vec<(u64, ClientInput)>, String> {
    if text.len() > MAX_BYTES {
        return Err("That file is larger than 1 MB. Split it and import each part.".to_string());
    }
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let unreadable = |err: csv::Error| format!("PayTrack couldn't read that file as CSV: {err}.");
    let headers: Vec<String> = reader
        .headers()
        .map_err(unreadable)?
        .iter()
        .map(|h| h.to_lowercase().replace([' ', '-'], "_"))
        .collect();
    let column = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let (Some(name), Some(emails)) = (
        column(&["name", "client", "client_name"]),
        column(&["emails", "email", "email_address"]),
    ) else {
        return Err(
            "The file needs a “name” column and an “email” column (its first line names the columns)."
                .to_string(),
        );
    };
    let company = column(&["company", "organisation", "organization"]);
    let address = column(&["address"]);
    let country = column(&["country"]);
    let tax_id = column(&["tax_id", "vat", "vat_number", "tax_number"]);
    let currency = column(&["currency"]);
    let reminders = column(&["reminders"]);
    let notes = column(&["notes"]);

    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(unreadable)?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(format!(
                "That file has more than {MAX_ROWS} clients. Split it and import each part."
            ));
        }
        let cell = |index: Option<usize>| {
            index
                .and_then(|i| record.get(i))
                .map(without_formula_guard)
                .unwrap_or_default()
        };
        let currency = match cell(currency) {
            text if text.is_empty() => Country::parse(&cell(country))
                .ok()
                .and_then(Country::currency)
                .unwrap_or(usual)
                .code()
                .to_string(),
            text => text,
        };
        let line = record.position().map_or(0, |p| p.line());
        rows.push((
            line,
            ClientInput {
                name: cell(Some(name)),
                emails: cell(Some(emails)),
                company: cell(company),
                address: cell(address),
                country: cell(country),
                tax_id: cell(tax_id),
                currency,
                notes: cell(notes),
                reminders: !matches!(
                    cell(reminders).to_lowercase().as_str(),
                    "no" | "false" | "0" | "off"
                ),
            },
        ));
    }
    if rows.is_empty() {
        return Err("That file has no clients under its first line.".to_string());
    }
    Ok(rows)
}

/// A cell as it was before the export kept it from running as a formula: `'=x` → `=x`.
fn without_formula_guard(value: &str) -> String {
    match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_string(),
        _ => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<(u64, ClientInput)>, String> {
        super::read(text, Currency::USD)
    }

    #[test]
    fn a_row_without_a_currency_is_in_its_countrys_else_the_users_usual_one() {
        let text = "name,email,country,currency\n\
                    Ada,ada@x.test,de,\n\
                    Bo,bo@x.test,,\n\
                    Cy,cy@x.test,UA,\n\
                    Di,di@x.test,de,CHF\n";
        let currencies = |usual| {
            super::read(text, usual)
                .unwrap()
                .into_iter()
                .map(|(_, input)| input.currency)
                .collect::<Vec<_>>()
        };
        assert_eq!(currencies(Currency::GBP), ["EUR", "GBP", "GBP", "CHF"]);
        assert_eq!(currencies(Currency::JPY), ["EUR", "JPY", "JPY", "CHF"]);
    }

    #[test]
    fn columns_are_found_by_name_in_any_order_and_case() {
        let rows = read(
            "\u{feff}Email,Client Name,VAT,Reminders\n\
             ap@acme.test,\"Acme, Ltd\",GB123456789,no\n\
             \n\
             zoe@client.test,Zoë,,\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        let (line, acme) = &rows[0];
        assert_eq!(*line, 2);
        assert_eq!(acme.name, "Acme, Ltd");
        assert_eq!(acme.emails, "ap@acme.test");
        assert_eq!(acme.tax_id, "GB123456789");
        assert_eq!(acme.currency, "USD");
        assert!(!acme.reminders);
        assert!(rows[1].1.reminders);
    }

    #[test]
    fn semicolons_or_tabs_separate_columns_when_the_header_says_so() {
        let rows = read(
            "Name;Email;Address;Currency\n\
             \"Dupont; fils\";compta@dupont.test;\"1, rue de la Paix\";EUR\n",
        )
        .unwrap();
        assert_eq!(rows[0].1.name, "Dupont; fils");
        assert_eq!(rows[0].1.emails, "compta@dupont.test");
        assert_eq!(rows[0].1.address, "1, rue de la Paix");
        assert_eq!(rows[0].1.currency, "EUR");
        let rows = read("name\temail\tcompany\nAda\tada@x.test\tAnalytical, Ltd\n").unwrap();
        assert_eq!(rows[0].1.company, "Analytical, Ltd");
        // Semicolons inside a quoted column name don't count.
        let rows = read("name,email,\"notes; misc; more; other\"\nAda,ada@x.test,hi\n").unwrap();
        assert_eq!(rows[0].1.emails, "ada@x.test");
    }

    #[test]
    fn an_export_reads_back_without_its_formula_guard() {
        let rows =
            read("name,emails,company\n'=Evil,a@b.test,'+Co\nO'Brien,o@b.test,'quoted'\n").unwrap();
        assert_eq!(rows[0].1.name, "=Evil");
        assert_eq!(rows[0].1.company, "+Co");
        assert_eq!(rows[1].1.name, "O'Brien");
        assert_eq!(rows[1].1.company, "'quoted'");
    }

    #[test]
    fn a_file_without_the_needed_columns_or_rows_is_refused_with_why() {
        assert!(
            read("company,phone\nAcme,1\n")
                .unwrap_err()
                .contains("“name”")
        );
        assert!(read("name,email\n").unwrap_err().contains("no clients"));
        let many = format!("name,email\n{}", "A,a@b.test\n".repeat(MAX_ROWS + 1));
        assert!(read(&many).unwrap_err().contains("more than 1000"));
        assert!(
            read(&"x".repeat(MAX_BYTES + 1))
                .unwrap_err()
                .contains("1 MB")
        );
    }
}
