//! How the user's invoices are numbered: one sequence for ever or a series per year, and the
//! number the next invoice gets — which can be moved, but never onto a number an invoice
//! already has (or behind one, where later numbers would collide with it).

use crate::domain::invoice_number::{Numbering, parse_next};
use crate::error::AppError;
use crate::server::db::users::{self, UserDoc};
use crate::server::db::{self, invoice_sequences, invoices};
use crate::server::jobs::plan::today_of;
use crate::server::state::AppState;

pub enum NumberingSaved {
    /// What the next invoice will be numbered.
    Saved { next: String },
    Invalid {
        numbering: Option<String>,
        next: Option<String>,
    },
}

/// The series a new invoice issued today joins: the year's, when numbering by year.
fn series_year(user: &UserDoc, numbering: Numbering) -> Option<i32> {
    (numbering == Numbering::Yearly).then(|| today_of(user).year())
}

/// The number the next invoice issued today will get.
pub async fn next_number(state: &AppState, user: &UserDoc) -> Result<String, AppError> {
    let numbering = user.numbering.unwrap_or_default();
    let year = series_year(user, numbering);
    let last = invoice_sequences::last(&state.db, user.id, year)
        .await
        .map_err(db::failed("reading invoice numbers"))?;
    Ok(numbering.format(&user.invoice_prefix(), year.unwrap_or(0), last + 1))
}

/// Saves how numbers count and, when given, the next number (of the series new invoices
/// join today). A number an invoice already has, or one before it, is refused.
pub async fn save(
    state: &AppState,
    user: &UserDoc,
    numbering: &str,
    next: &str,
) -> Result<NumberingSaved, AppError> {
    let (numbering, next) = match (Numbering::parse(numbering), parse_next(next)) {
        (Ok(numbering), Ok(next)) => (numbering, next),
        (numbering, next) => {
            return Ok(NumberingSaved::Invalid {
                numbering: numbering.err(),
                next: next.err(),
            });
        }
    };
    let year = series_year(user, numbering);
    if let Some(next) = next {
        let highest = invoices::highest_number(&state.db, user.id, year)
            .await
            .map_err(db::failed("reading invoice numbers"))?;
        if next <= highest {
            let used = numbering.format(&user.invoice_prefix(), year.unwrap_or(0), highest);
            return Ok(NumberingSaved::Invalid {
                numbering: None,
                next: Some(format!(
                    "{used} is already an invoice's number: the next number must come after it ({} or more).",
                    highest + 1
                )),
            });
        }
        invoice_sequences::set_next(&state.db, user.id, year, next)
            .await
            .map_err(db::failed("saving the next invoice number"))?;
    }
    users::set_numbering(&state.db, user.id, numbering)
        .await
        .map_err(db::failed("saving the numbering"))?;
    let saved = UserDoc {
        numbering: Some(numbering),
        ..user.clone()
    };
    Ok(NumberingSaved::Saved {
        next: next_number(state, &saved).await?,
    })
}
