//! The user's live sessions, for the account page's list of where they are signed in.

use mongodb::bson::DateTime;

use crate::error::AppError;
use crate::server::db::sessions::{self, SessionDoc};
use crate::server::db::{self, users::UserDoc};
use crate::server::state::AppState;

pub async fn live(state: &AppState, user: &UserDoc) -> Result<Vec<SessionDoc>, AppError> {
    sessions::list_live(&state.db, user.id, DateTime::now())
        .await
        .map_err(db::failed("listing sessions"))
}
