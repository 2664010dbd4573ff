//! Several invoices at once: each is checked on its own, and the ones that cannot change are
//! listed with the reason. Only a failure of PayTrack itself stops the whole batch.

use super::load;
use super::sending::{send, void};
use crate::domain::bulk::{BulkAction, BulkOutcome};
use crate::error::AppError;
use crate::server::db::{self, users::UserDoc};
use crate::server::state::AppState;

/// The most invoices one request may act on.
pub const MAX: usize = 200;

pub async fn apply(
    state: &AppState,
    user: &UserDoc,
    action: BulkAction,
    ids: &[String],
) -> Result<BulkOutcome, AppError> {
    if ids.len() > MAX {
        return Err(AppError::Rejected(format!(
            "Select up to {MAX} invoices at a time."
        )));
    }
    let mut outcome = BulkOutcome::default();
    for text in ids {
        let id = db::parse_id(text, "invoice");
        let result = match id {
            Ok(id) => match action {
                BulkAction::Send => send(state, user, id).await.map(|_| ()),
                BulkAction::Void => void(state, user, id).await.map(|_| ()),
            },
            Err(ref err) => Err(err.clone()),
        };
        match result {
            Ok(()) => outcome.done += 1,
            Err(err @ (AppError::Unavailable | AppError::Internal)) => return Err(err),
            Err(err) => {
                let number = match id {
                    Ok(id) => load(state, user.id, id).await.ok().map(|i| i.number),
                    Err(_) => None,
                };
                outcome.skipped.push(match number {
                    Some(number) => format!("{number}: {err}"),
                    None => err.to_string(),
                });
            }
        }
    }
    Ok(outcome)
}
