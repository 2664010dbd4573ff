//! Client server functions: list, read, create, edit, archive. Each one is owner-scoped through
//! `server::db::clients`; another user's id reads as "not found".

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::api::invoices::InvoiceRow;
use crate::domain::client::{ClientErrors, ClientInput};
use crate::domain::money::{Currency, Money};
use crate::error::AppError;

/// A client as lists and pickers show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientSummary {
    pub id: String,
    pub name: String,
    pub company: Option<String>,
    /// The main address (the first one).
    pub email: String,
    pub currency: Currency,
    pub reminders: bool,
    pub archived: bool,
    /// Why email to this client is not getting through, if Resend said so.
    pub email_problem: Option<String>,
}

/// One client's page: details, what they owe, and their invoices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientDetail {
    pub summary: ClientSummary,
    pub emails: Vec<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    /// The form's text, for editing.
    pub input: ClientInput,
    /// Still owed, per currency (only currencies with something owed).
    pub balances: Vec<Money>,
    pub invoices: Vec<InvoiceRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientSave {
    Saved(ClientSummary),
    Invalid(ClientErrors),
}

#[cfg(feature = "ssr")]
pub(crate) fn summary(client: &crate::server::db::clients::ClientDoc) -> ClientSummary {
    ClientSummary {
        id: client.id.to_hex(),
        name: client.name.clone(),
        company: client.company.clone(),
        email: client.emails.first().cloned().unwrap_or_default(),
        currency: client.currency,
        reminders: client.reminders,
        archived: client.archived,
        email_problem: client.email_problem.as_ref().map(|p| p.message()),
    }
}

/// The owner's clients by name, matching `search` (name, company or email).
#[server(prefix = "/api", endpoint = "clients/list")]
pub async fn list_clients(
    search: String,
    include_archived: bool,
) -> Result<Vec<ClientSummary>, AppError> {
    use crate::api::ssr::{db_error, fail, require_user, state};
    use crate::server::db::clients;

    let user = require_user().await.map_err(fail)?.user;
    let state = state().map_err(fail)?;
    if search.chars().count() > 100 {
        return Err(fail(AppError::Rejected(
            "Keep the search under 100 characters.".to_string(),
        )));
    }
    let clients = clients::list(&state.db, user.id, include_archived, &search, 1000)
        .await
        .map_err(|e| fail(db_error("listing clients")(e)))?;
    Ok(clients.iter().map(summary).collect())
}

#[server(prefix = "/api", endpoint = "clients/get")]
pub async fn get_client(id: String) -> Result<ClientDetail, AppError> {
    use crate::api::invoices::ssr::row;
    use crate::api::ssr::{db_error, fail, not_found, signed_in_with_id, today_for};
    use crate::domain::invoice_list::ListParams;
    use crate::server::db::{clients, invoices};

    let (user, id, state) = signed_in_with_id(&id, "client").await.map_err(fail)?;
    let client = clients::get(&state.db, user.id, id)
        .await
        .map_err(|e| fail(db_error("reading a client")(e)))?
        .ok_or_else(|| fail(not_found("client")))?;
    let balances = invoices::balances_of_client(&state.db, user.id, id)
        .await
        .map_err(|e| fail(db_error("adding up a client's balance")(e)))?
        .into_iter()
        .filter(|(_, due)| *due > 0)
        .map(|(currency, due)| Money::from_minor(due, currency))
        .collect();
    let today = today_for(&user);
    let query = ListParams::default()
        .parse()
        .map_err(|m| fail(AppError::BadRequest(m)))?;
    let (history, _) = invoices::list(&state.db, user.id, &query, Some(id), today, 100)
        .await
        .map_err(|e| fail(crate::api::invoices::ssr::list_error(e)))?;
    Ok(ClientDetail {
        summary: summary(&client),
        emails: client.emails.clone(),
        address: client.address.clone(),
        notes: client.notes.clone(),
        input: client.to_input(),
        balances,
        invoices: history.iter().map(|i| row(i, today)).collect(),
    })
}

#[server(prefix = "/api", endpoint = "clients/create", input = Json)]
pub async fn create_client(input: ClientInput) -> Result<ClientSave, AppError> {
    use crate::api::ssr::{db_error, fail, require_user, state};
    use crate::server::db::clients;

    let user = require_user().await.map_err(fail)?.user;
    let client = match input.parse() {
        Ok(client) => client,
        Err(errors) => return Ok(ClientSave::Invalid(*errors)),
    };
    let state = state().map_err(fail)?;
    crate::server::limits::allow_active_client(&state, &user)
        .await
        .map_err(fail)?;
    let saved = clients::insert(&state.db, user.id, &client, mongodb::bson::DateTime::now())
        .await
        .map_err(|e| fail(db_error("saving a new client")(e)))?;
    crate::server::db::usage::count(
        &state.db,
        crate::domain::usage::UsageEvent::ClientCreated,
        crate::server::db::usage::today(),
    )
    .await;
    Ok(ClientSave::Saved(summary(&saved)))
}

#[server(prefix = "/api", endpoint = "clients/update", input = Json)]
pub async fn update_client(id: String, input: ClientInput) -> Result<ClientSave, AppError> {
    use crate::api::ssr::{db_error, fail, not_found, signed_in_with_id};
    use crate::server::db::{clients, invoices};

    let (user, id, state) = signed_in_with_id(&id, "client").await.map_err(fail)?;
    let client = match input.parse() {
        Ok(client) => client,
        Err(errors) => return Ok(ClientSave::Invalid(*errors)),
    };
    let saved = clients::update(
        &state.db,
        user.id,
        id,
        &client,
        mongodb::bson::DateTime::now(),
    )
    .await
    .map_err(|e| fail(db_error("saving a client")(e)))?
    .ok_or_else(|| fail(not_found("client")))?;
    if let Err(err) = invoices::readdress_drafts(&state.db, user.id, &saved).await {
        tracing::error!(error = %err, "updating drafts after a client edit");
        return Err(fail(AppError::Internal));
    }
    // A fixed address lifts the hold a bounce put on the client's invoices; reminders
    // switched on or off take effect on every open invoice.
    if let Err(err) = invoices::lift_bounce_holds(&state.db, user.id, saved.id).await {
        tracing::error!(error = %err, "lifting bounce holds after a client edit");
    }
    crate::api::reminders::ssr::replan_all(&state, &user, Some(saved.id)).await;
    Ok(ClientSave::Saved(summary(&saved)))
}

/// Archives (or, with `archived = false`, restores) a client. Their invoices stay as they are.
#[server(prefix = "/api", endpoint = "clients/archive")]
pub async fn archive_client(id: String, archived: bool) -> Result<ClientSummary, AppError> {
    use crate::api::ssr::{db_error, fail, not_found, signed_in_with_id};
    use crate::server::db::clients;

    let (user, id, state) = signed_in_with_id(&id, "client").await.map_err(fail)?;
    if !archived {
        // Restoring makes the client active again: it counts against the Free plan.
        let current = clients::get(&state.db, user.id, id)
            .await
            .map_err(|e| fail(db_error("reading a client")(e)))?;
        if current.is_some_and(|c| c.archived) {
            crate::server::limits::allow_active_client(&state, &user)
                .await
                .map_err(fail)?;
        }
    }
    let saved = clients::set_archived(
        &state.db,
        user.id,
        id,
        archived,
        mongodb::bson::DateTime::now(),
    )
    .await
    .map_err(|e| fail(db_error("archiving a client")(e)))?
    .ok_or_else(|| fail(not_found("client")))?;
    Ok(summary(&saved))
}
