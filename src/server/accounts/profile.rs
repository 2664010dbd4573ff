//! Editing the profile. A new time zone re-plans every open invoice: reminders go out at the
//! send hour where the user is now.

use crate::domain::invoice_number::NumberPrefix;
use crate::domain::profile::{ProfileErrors, parse_name};
use crate::error::AppError;
use crate::server::db::{self, users, users::UserDoc};
use crate::server::limits::rate;
use crate::server::state::AppState;

/// The one rule for a time zone, wherever it comes from: an IANA name the bundled database
/// knows, at most 64 bytes.
pub fn is_known_zone(name: &str) -> bool {
    !name.is_empty() && name.len() <= 64 && jiff::tz::TimeZone::get(name).is_ok()
}

pub enum ProfileSaved {
    Saved(Box<UserDoc>),
    Invalid(ProfileErrors),
}

pub async fn update(
    state: &AppState,
    user: &UserDoc,
    name: &str,
    time_zone: &str,
    invoice_prefix: &str,
) -> Result<ProfileSaved, AppError> {
    let mut errors = ProfileErrors::default();
    let name = parse_name(name).map_err(|m| errors.name = Some(m)).ok();
    if !is_known_zone(time_zone) {
        errors.time_zone = Some(format!(
            "“{time_zone}” is not a time zone PayTrack knows. Pick one from the list."
        ));
    }
    let prefix = NumberPrefix::parse(invoice_prefix)
        .map_err(|m| errors.invoice_prefix = Some(m))
        .ok();
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        return Ok(ProfileSaved::Invalid(errors));
    };
    rate::settings_save(state, rate::Settings::Profile, user).await?;
    let saved = users::update_profile(
        &state.db,
        user.id,
        &name,
        time_zone,
        prefix
            .as_ref()
            .map(NumberPrefix::as_str)
            .unwrap_or_default(),
    )
    .await
    .map_err(db::failed("saving the profile"))?
    .ok_or(AppError::Unauthorized)?;
    if saved.time_zone != user.time_zone {
        crate::server::chasing::replan_all(state, &saved, None).await;
    }
    Ok(ProfileSaved::Saved(Box::new(saved)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_zones_the_database_knows_are_accepted() {
        assert!(is_known_zone("Europe/Paris"));
        assert!(is_known_zone("America/Argentina/Buenos_Aires"));
        assert!(is_known_zone("UTC"));
        assert!(!is_known_zone("Mars/Olympus_Mons"));
        assert!(!is_known_zone(""));
        assert!(!is_known_zone(&"A".repeat(65)));
    }
}
