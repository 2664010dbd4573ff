//! Public, signed-out facts about this PayTrack installation, for the public pages.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::browser_json::BrowserJson;
use crate::error::AppError;

/// What public pages need to know about this installation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// Where people write about their data; set by `PAYTRACK_CONTACT_EMAIL`.
    pub contact_email: String,
    /// Whether emails go to the dev outbox (local development) instead of real inboxes.
    pub dev_outbox: bool,
    /// Whether "Continue with Google" is configured (the button is hidden otherwise).
    pub google_sign_in: bool,
    /// The Free plan's limits when this installation bills (no plans otherwise).
    pub free_limits: Option<crate::domain::plan::FreeLimits>,
    /// What Pro costs, once read from Stripe (`server::pro_prices`).
    pub pro_prices: Option<crate::domain::plan::ProPrices>,
}

#[server(prefix = "/api", endpoint = "site/info", output = BrowserJson)]
pub async fn get_site_info() -> Result<SiteInfo, AppError> {
    let state = ssr::state()?;
    Ok(SiteInfo {
        contact_email: state.config.contact_email.clone(),
        dev_outbox: crate::server::dev_outbox::available(&state),
        google_sign_in: state.config.secrets.google.is_some(),
        free_limits: state
            .config
            .billing
            .as_ref()
            .map(|_| state.config.free_limits),
        pro_prices: state.pro_prices.current(&state.config),
    })
}

#[cfg(feature = "ssr")]
use super::ssr;
