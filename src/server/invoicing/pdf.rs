//! An invoice's PDF, for its owner and for the client's link: the invoice as a document
//! (`document::build`), with the seller's logo, on the paper of the seller's country. A
//! credit note (one that cancelled a voided invoice, or reduced one) is drawn from the same
//! document.

use mongodb::Database;
use mongodb::bson::oid::ObjectId;

use crate::domain::country::Country;
use crate::domain::credit_note::{CreditNoteView, NONE_ISSUED};
use crate::domain::date::CalendarDate;
use crate::error::AppError;
use crate::server::db::invoices::CreditNoteDoc;
use crate::server::db::invoices::InvoiceDoc;
use crate::server::db::users::UserDoc;
use crate::server::db::{self, logos};
use crate::server::invoicing::{document, load, public};
use crate::server::jobs::plan::today_of;
use crate::server::pdf::{Paper, invoice, invoice::Sheet};
use crate::server::state::AppState;

pub struct InvoicePdf {
    pub bytes: Vec<u8>,
    /// "INV-0001.pdf": the invoice number, kept to characters every file system takes.
    pub filename: String,
}

/// The owner's invoice `id` as a PDF; another user's reads as not found.
pub async fn for_owner(
    state: &AppState,
    owner: &UserDoc,
    id: ObjectId,
) -> Result<InvoicePdf, AppError> {
    let invoice = load(state, owner.id, id).await?;
    render_now(state, &invoice, owner).await
}

/// Credit note `number` of the owner's invoice `id` (`None`: the one that cancelled it).
pub async fn credit_note_for_owner(
    state: &AppState,
    owner: &UserDoc,
    id: ObjectId,
    number: Option<&str>,
) -> Result<InvoicePdf, AppError> {
    let invoice = load(state, owner.id, id).await?;
    credit_note_of(state, &invoice, owner, number).await
}

/// Credit note `number` of the invoice behind the client's link, or `None` where the page
/// would be missing.
pub async fn credit_note_for_link(
    state: &AppState,
    token: &str,
    number: &str,
) -> Result<Option<InvoicePdf>, AppError> {
    match public::by_token(state, token).await? {
        Some((invoice, owner)) => credit_note_of(state, &invoice, &owner, Some(number))
            .await
            .map(Some),
        None => Ok(None),
    }
}

async fn credit_note_of(
    state: &AppState,
    invoice: &InvoiceDoc,
    owner: &UserDoc,
    number: Option<&str>,
) -> Result<InvoicePdf, AppError> {
    let Some(note) = invoice.credit_note_numbered(number) else {
        return Err(AppError::NotFound(match number {
            None => NONE_ISSUED.to_string(),
            Some(number) => format!("This invoice has no credit note {number}."),
        }));
    };
    render_credit_note(&state.db, invoice, owner, note)
        .await
        .map_err(|err| err.for_people(invoice.id))
}

/// Credit note `note` of `invoice` as a PDF, as it read the day it was issued (so the email
/// that carries it attaches the same bytes on every try).
pub async fn render_credit_note(
    db: &Database,
    invoice: &InvoiceDoc,
    owner: &UserDoc,
    note: &CreditNoteDoc,
) -> Result<InvoicePdf, RenderError> {
    let view = note.view(invoice.currency);
    render_as(db, invoice, owner, note.issued_on, Some(view)).await
}

/// The invoice behind the client's link as a PDF, or `None` where the page would be missing.
pub async fn for_link(state: &AppState, token: &str) -> Result<Option<InvoicePdf>, AppError> {
    match public::by_token(state, token).await? {
        Some((invoice, owner)) => render_now(state, &invoice, &owner).await.map(Some),
        None => Ok(None),
    }
}

/// Why an invoice's PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("reading the logo failed: {0}")]
    Database(#[from] mongodb::error::Error),
    #[error("writing the PDF failed: {0}")]
    Writer(String),
}

impl RenderError {
    fn for_people(self, invoice: ObjectId) -> AppError {
        match self {
            RenderError::Database(err) => db::failed("reading the logo")(err),
            RenderError::Writer(message) => {
                tracing::error!(%message, %invoice, "writing an invoice PDF failed");
                AppError::Internal
            }
        }
    }
}

async fn render_now(
    state: &AppState,
    invoice: &InvoiceDoc,
    owner: &UserDoc,
) -> Result<InvoicePdf, AppError> {
    render(&state.db, invoice, owner, today_of(owner))
        .await
        .map_err(|err| err.for_people(invoice.id))
}

/// `invoice` as a PDF as it reads on `today` (the owner's date). The same invoice, owner and
/// day give the same bytes, which a retried email with the PDF attached relies on.
pub async fn render(
    db: &Database,
    invoice: &InvoiceDoc,
    owner: &UserDoc,
    today: CalendarDate,
) -> Result<InvoicePdf, RenderError> {
    render_as(db, invoice, owner, today, None).await
}

/// `invoice` as a PDF, or the credit note `credit_note` that cancelled it.
async fn render_as(
    db: &Database,
    invoice: &InvoiceDoc,
    owner: &UserDoc,
    today: CalendarDate,
    credit_note: Option<CreditNoteView>,
) -> Result<InvoicePdf, RenderError> {
    let document = document::build(invoice, owner, today);
    let logo = match &owner.logo {
        Some(_) => logos::get(db, owner.id).await?,
        None => None,
    };
    let paper = paper_for(owner.business.as_ref().and_then(|b| b.country));
    let filename = filename(
        credit_note
            .as_ref()
            .map_or(&invoice.number, |note| &note.number),
    );
    let bytes = crate::server::cpu::run(move || {
        let logo = logo.as_ref().map(|l| invoice::Logo {
            bytes: &l.bytes.bytes,
            content_type: &l.content_type,
        });
        let sheet = match &credit_note {
            Some(note) => Sheet::CreditNote(note),
            None => Sheet::Invoice,
        };
        invoice::render(&document, sheet, logo, paper)
    })
    .await
    .map_err(|err| RenderError::Writer(format!("the PDF writer stopped: {err}")))?
    .map_err(|err| RenderError::Writer(err.to_string()))?;
    Ok(InvoicePdf { bytes, filename })
}

/// Letter where it is the norm (North America), A4 everywhere else and when unknown.
fn paper_for(country: Option<Country>) -> Paper {
    match country {
        Some(country) if country.uses_letter_paper() => Paper::Letter,
        _ => Paper::A4,
    }
}

fn filename(number: &str) -> String {
    let safe: String = number
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{}.pdf", if safe.is_empty() { "invoice" } else { &safe })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_the_number_and_nothing_a_file_system_refuses() {
        assert_eq!(filename("INV-2026-0001"), "INV-2026-0001.pdf");
        assert_eq!(filename("F/2026 #7"), "F-2026--7.pdf");
        assert_eq!(filename(""), "invoice.pdf");
    }

    #[test]
    fn paper_follows_the_sellers_country() {
        let country = |code| Some(Country::parse(code).unwrap());
        assert_eq!(paper_for(country("US")), Paper::Letter);
        assert_eq!(paper_for(country("FR")), Paper::A4);
        assert_eq!(paper_for(None), Paper::A4);
    }
}
