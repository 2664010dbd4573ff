//! The operators' usage page (`server::usage_report`): only the accounts listed in
//! `PAYTRACK_OPERATORS` see it; to anyone else it does not exist.

use leptos::prelude::*;

use crate::browser_json::BrowserJson;
pub use crate::domain::usage::{DAYS, PlanFigures, UsageReport, UsageSeries};
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "operator/usage", output = BrowserJson)]
pub async fn load_usage() -> Result<UsageReport, AppError> {
    let (user, state) = crate::api::ssr::who_asks().await?;
    crate::server::usage_report::for_operator(&state, &user, jiff::Timestamp::now()).await
}
