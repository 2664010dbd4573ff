//! The business profile (Account → Business): what invoices say about the seller.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::browser_json::BrowserJson;
use crate::domain::business::{BusinessErrors, BusinessInput};
use crate::error::AppError;

/// The form's text as saved, and the logo's address when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessForm {
    pub input: BusinessInput,
    pub logo_url: Option<String>,
    /// "continuous" or "yearly".
    pub numbering: String,
    /// What the next invoice will be numbered ("INV-2026-0007").
    pub next_number: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NumberingSave {
    /// What the next invoice will be numbered.
    Saved(String),
    Invalid {
        numbering: Option<String>,
        next: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BusinessSave {
    /// What was saved, as the form shows it again.
    Saved(BusinessInput),
    Invalid(BusinessErrors),
}

#[server(prefix = "/api", endpoint = "account/business", output = BrowserJson)]
pub async fn get_business() -> Result<BusinessForm, AppError> {
    let (user, state) = crate::api::ssr::who_asks().await?;
    Ok(BusinessForm {
        input: user.business.clone().unwrap_or_default().to_input(),
        logo_url: user.logo.as_ref().map(|logo| logo.path(user.id)),
        numbering: user.numbering.unwrap_or_default().key().to_string(),
        next_number: crate::server::invoicing::numbering::next_number(&state, &user).await?,
    })
}

#[server(prefix = "/api", endpoint = "account/business/save", input = Json, output = BrowserJson)]
pub async fn save_business(input: BusinessInput) -> Result<BusinessSave, AppError> {
    use crate::server::accounts::business::{self, BusinessSaved};

    let (user, state) = crate::api::ssr::who_asks().await?;
    Ok(match business::save(&state, &user, &input).await? {
        BusinessSaved::Saved(profile) => BusinessSave::Saved(profile.to_input()),
        BusinessSaved::Invalid(errors) => BusinessSave::Invalid(errors),
    })
}

/// Takes the logo off every invoice (uploading one is `POST /account/logo`: the image is the
/// request body, which a server function's encodings do not carry as it is).
#[server(prefix = "/api", endpoint = "account/business/remove-logo", output = BrowserJson)]
pub async fn remove_logo() -> Result<(), AppError> {
    let (user, state) = crate::api::ssr::who_asks().await?;
    crate::server::accounts::logo::remove(&state, &user).await
}

/// How invoice numbers count, and the next one (empty: carry on).
#[server(prefix = "/api", endpoint = "account/business/numbering", output = BrowserJson)]
pub async fn save_numbering(numbering: String, next: String) -> Result<NumberingSave, AppError> {
    use crate::server::invoicing::numbering::{self, NumberingSaved};

    let (user, state) = crate::api::ssr::who_asks().await?;
    Ok(
        match numbering::save(&state, &user, &numbering, &next).await? {
            NumberingSaved::Saved { next } => NumberingSave::Saved(next),
            NumberingSaved::Invalid { numbering, next } => {
                NumberingSave::Invalid { numbering, next }
            }
        },
    )
}
