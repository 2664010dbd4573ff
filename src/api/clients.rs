//! Client server functions: list, read, create, edit, archive, each over one operation of
//! `server::clients`; another user's id reads as "not found".

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::api::invoices::wire::InvoiceRow;
use crate::browser_json::BrowserJson;
use crate::domain::client::{ClientErrors, ClientInput};
use crate::domain::money::{Currency, Money};
use crate::domain::owing::Owing;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    crate::api::ssr::{signed_in_with_id, who_asks},
    crate::server::clients,
    crate::server::db::client_choices::Among,
};

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

/// A page of the client list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientPage {
    pub clients: Vec<ClientSummary>,
    /// What to send as `after` for the next page; none on the last.
    pub next: Option<String>,
    /// How many archived clients an empty list of active ones hides (else 0).
    pub archived_hidden: u64,
    /// By client id, what those of the page who owe something owe.
    pub owing: Vec<(String, Owing)>,
}

/// A client in a picker: the invoice list's client filter, the editor's client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientChoice {
    pub id: String,
    pub name: String,
    pub company: Option<String>,
    /// What an invoice for them starts in.
    pub currency: Currency,
}

impl From<ClientSummary> for ClientChoice {
    fn from(client: ClientSummary) -> Self {
        ClientChoice {
            id: client.id,
            name: client.name,
            company: client.company,
            currency: client.currency,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::db::client_choices::ClientChoiceDoc> for ClientChoice {
    fn from(client: crate::server::db::client_choices::ClientChoiceDoc) -> Self {
        ClientChoice {
            id: client.id.to_hex(),
            name: client.name,
            company: client.company,
            currency: client.currency,
        }
    }
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
    /// How they pay: lateness and promises kept.
    pub habits: crate::domain::pay_habits::PayHabits,
    /// The invoices they paid last, latest first, drawn with how late each was.
    pub paid: Vec<crate::domain::pay_habits::PaidInvoice>,
    pub last_reply: Option<crate::domain::pay_habits::LastReply>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientSave {
    Saved(ClientSummary),
    Invalid(ClientErrors),
}

#[cfg(feature = "ssr")]
pub(crate) fn summary(
    client: &crate::server::db::clients::ClientDoc,
    user: &crate::server::db::users::UserDoc,
) -> ClientSummary {
    row_summary(client.into(), user)
}

#[cfg(feature = "ssr")]
fn row_summary(
    client: crate::server::db::client_rows::ClientRowDoc,
    user: &crate::server::db::users::UserDoc,
) -> ClientSummary {
    ClientSummary {
        id: client.id.to_hex(),
        name: client.name,
        company: client.company,
        email: client.emails.into_iter().next().unwrap_or_default(),
        currency: client.currency,
        reminders: client.reminders,
        archived: client.archived,
        email_problem: client
            .email_problem
            .as_ref()
            .map(|p| p.message(crate::server::jobs::plan::day_of(p.at, user))),
    }
}

#[cfg(feature = "ssr")]
fn page_view(page: clients::ClientPage, user: &crate::server::db::users::UserDoc) -> ClientPage {
    ClientPage {
        clients: page
            .clients
            .into_iter()
            .map(|c| row_summary(c, user))
            .collect(),
        next: page.next,
        archived_hidden: page.archived_hidden,
        owing: page
            .owing
            .into_iter()
            .map(|(id, owing)| (id.to_hex(), owing))
            .collect(),
    }
}

/// A page of the owner's clients by name, matching `search` (name, company or email), from
/// the page before's `next` (`after`, empty for the first page).
#[server(prefix = "/api", endpoint = "clients/list", output = BrowserJson)]
pub async fn list_clients(
    search: String,
    include_archived: bool,
    #[server(default)] after: String,
) -> Result<ClientPage, AppError> {
    let (user, state) = who_asks().await?;
    let page = clients::list(&state, &user, include_archived, &search, &after).await?;
    Ok(page_view(page, &user))
}

/// What the new-client form starts with: reminders on, in the currency the user's new clients
/// are usually in (`server::clients::usual_currency`).
#[server(prefix = "/api", endpoint = "clients/blank", output = BrowserJson)]
pub async fn new_client_form() -> Result<ClientInput, AppError> {
    let (user, state) = who_asks().await?;
    let currency = clients::usual_currency(&state, &user).await?;
    Ok(ClientInput::blank(currency))
}

/// Every client's id and name, archived ones too (invoices to them stay listed), by name;
/// `client`, the one the list is filtered by, is among them however many there are.
#[server(prefix = "/api", endpoint = "clients/names", output = BrowserJson)]
pub async fn client_names(
    #[server(default)] client: String,
) -> Result<Vec<ClientChoice>, AppError> {
    let (user, state) = who_asks().await?;
    // An id that does not read is one the filter simply does not add.
    let also = crate::server::db::parse_id(&client, "client").ok();
    let choices = clients::choices(&state, user.id, Among::Every, also).await?;
    Ok(choices
        .clients
        .into_iter()
        .map(ClientChoice::from)
        .collect())
}

#[server(prefix = "/api", endpoint = "clients/get", output = BrowserJson)]
pub async fn get_client(id: String) -> Result<ClientDetail, AppError> {
    let (user, id, state) = signed_in_with_id(&id, "client").await?;
    let file = clients::file(&state, &user, id).await?;
    Ok(detail(file, &user))
}

#[cfg(feature = "ssr")]
fn detail(file: clients::ClientFile, user: &crate::server::db::users::UserDoc) -> ClientDetail {
    use crate::api::invoices::views::row;

    let today = file.today;
    ClientDetail {
        summary: summary(&file.client, user),
        emails: file.client.emails.clone(),
        address: file.client.address.clone(),
        notes: file.client.notes.clone(),
        input: file.client.to_input(),
        balances: file.balances,
        invoices: file.invoices.iter().map(|i| row(i, today)).collect(),
        habits: file.habits,
        paid: file.paid,
        last_reply: file.last_reply,
    }
}

#[server(prefix = "/api", endpoint = "clients/create", input = Json, output = BrowserJson)]
pub async fn create_client(input: ClientInput) -> Result<ClientSave, AppError> {
    let (user, state) = who_asks().await?;
    let client = match input.parse() {
        Ok(client) => client,
        Err(errors) => return Ok(ClientSave::Invalid(*errors)),
    };
    let saved = clients::create(&state, &user, &client).await?;
    Ok(ClientSave::Saved(summary(&saved, &user)))
}

#[server(prefix = "/api", endpoint = "clients/update", input = Json, output = BrowserJson)]
pub async fn update_client(id: String, input: ClientInput) -> Result<ClientSave, AppError> {
    let (user, id, state) = signed_in_with_id(&id, "client").await?;
    let client = match input.parse() {
        Ok(client) => client,
        Err(errors) => return Ok(ClientSave::Invalid(*errors)),
    };
    let saved = clients::update(&state, &user, id, &client).await?;
    Ok(ClientSave::Saved(summary(&saved, &user)))
}

/// Archives (or, with `archived = false`, restores) a client. Their invoices stay as they are.
#[server(prefix = "/api", endpoint = "clients/archive", output = BrowserJson)]
pub async fn archive_client(id: String, archived: bool) -> Result<ClientSummary, AppError> {
    let (user, id, state) = signed_in_with_id(&id, "client").await?;
    let saved = clients::archive(&state, &user, id, archived).await?;
    Ok(summary(&saved, &user))
}

/// One row of a client import as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRowView {
    /// The line of the file the row starts on.
    pub line: u64,
    pub name: String,
    pub emails: String,
    pub company: String,
    pub currency: String,
    /// What is wrong with the row; it will not be imported.
    pub problem: Option<String>,
    /// The address an existing client (or an earlier row) already has; skipped.
    pub duplicate_of: Option<String>,
}

/// What importing `csv` would do, row by row; nothing is saved.
#[server(prefix = "/api", endpoint = "clients/import/preview", input = Json, output = BrowserJson)]
pub async fn preview_client_import(csv: String) -> Result<Vec<ImportRowView>, AppError> {
    let (user, state) = who_asks().await?;
    let rows = crate::server::imports::preview(&state, &user, &csv).await?;
    Ok(rows.into_iter().map(import_row).collect())
}

#[cfg(feature = "ssr")]
fn import_row(row: crate::server::imports::Row) -> ImportRowView {
    use crate::server::imports::Verdict;

    let (problem, duplicate_of) = match row.verdict {
        Verdict::Ready => (None, None),
        Verdict::Invalid(why) => (Some(why), None),
        Verdict::Duplicate(address) => (None, Some(address)),
    };
    ImportRowView {
        line: row.line,
        name: row.input.name,
        emails: row.input.emails,
        company: row.input.company,
        currency: row.input.currency,
        problem,
        duplicate_of,
    }
}

/// Adds the rows of `csv` that are ready (checked again here); returns how many.
#[server(prefix = "/api", endpoint = "clients/import", input = Json, output = BrowserJson)]
pub async fn import_clients(csv: String) -> Result<usize, AppError> {
    let (user, state) = who_asks().await?;
    crate::server::imports::import(&state, &user, &csv).await
}
