//! The business profile: who the user's invoices say they are from, and what new invoices
//! start with. Saved whole; an invalid form changes nothing.

use crate::domain::business::{BusinessErrors, BusinessInput, BusinessProfile};
use crate::error::AppError;
use crate::server::db::{self, users, users::UserDoc};
use crate::server::state::AppState;

pub enum BusinessSaved {
    Saved(BusinessProfile),
    Invalid(BusinessErrors),
}

pub async fn save(
    state: &AppState,
    user: &UserDoc,
    input: &BusinessInput,
) -> Result<BusinessSaved, AppError> {
    let profile = match input.parse() {
        Ok(profile) => profile,
        Err(errors) => return Ok(BusinessSaved::Invalid(*errors)),
    };
    let found = users::set_business(&state.db, user.id, &profile)
        .await
        .map_err(db::failed("saving the business profile"))?;
    if !found {
        return Err(AppError::Unauthorized);
    }
    Ok(BusinessSaved::Saved(profile))
}
