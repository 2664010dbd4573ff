//! What the user chooses about a connected account: how clients pay, and which confirmation
//! emails go out when they do.

use crate::domain::pay_with::PayWith;
use crate::error::AppError;
use crate::server::db;
use crate::server::db::stripe_connections::{self, StripeConnectionDoc};
use crate::server::db::users::UserDoc;
use crate::server::state::AppState;

/// The refusal for a setting of a connection that does not exist.
pub fn not_connected() -> AppError {
    AppError::Rejected("Connect a Stripe key first.".to_string())
}

pub async fn choose_pay_with(
    state: &AppState,
    user: &UserDoc,
    pay_with: PayWith,
) -> Result<StripeConnectionDoc, AppError> {
    stripe_connections::set_pay_with(&state.db, user.id, pay_with)
        .await
        .map_err(db::failed("saving how clients pay"))?
        .ok_or_else(not_connected)
}

pub async fn save_payment_emails(
    state: &AppState,
    user: &UserDoc,
    notify_paid: bool,
    client_receipts: bool,
) -> Result<StripeConnectionDoc, AppError> {
    stripe_connections::set_payment_emails(&state.db, user.id, notify_paid, client_receipts)
        .await
        .map_err(db::failed("saving payment emails"))?
        .ok_or_else(not_connected)
}
