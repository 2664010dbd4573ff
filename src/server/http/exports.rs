//! The CSV downloads: `GET /invoices/export.csv` (with the invoice list's filters as query
//! parameters), `GET /invoices/credit-notes.csv` and `GET /clients/export.csv`. Signed-in
//! only; each holds the asker's own records and nothing else.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use mongodb::bson::DateTime;

use crate::domain::invoice_list::ListParams;
use crate::error::AppError;
use crate::server::auth::session;
use crate::server::db::users::UserDoc;
use crate::server::exports;
use crate::server::jobs::plan::today_of;
use crate::server::state::AppState;

use super::plain_failure as failure;

/// The downloads' routes, for the app's router.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/invoices/export.csv", get(invoices))
        .route("/invoices/credit-notes.csv", get(credit_notes))
        .route("/clients/export.csv", get(clients))
}

pub async fn invoices(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let user = match signed_in(&state, &headers, "/invoices").await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let param = |name: &str| params.get(name).cloned().unwrap_or_default();
    let list = ListParams {
        status: param("status"),
        client: param("client"),
        from: param("from"),
        to: param("to"),
        q: param("q"),
        sort: param("sort"),
        dir: param("dir"),
        after: String::new(),
    };
    let query = match list.parse() {
        Ok(query) => query,
        Err(message) => return failure(&AppError::BadRequest(message)),
    };
    match exports::invoices_csv(&state, &user, query).await {
        Ok(csv) => download(csv, "invoices", &user),
        Err(err) => failure(&err),
    }
}

pub async fn credit_notes(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let user = match signed_in(&state, &headers, "/invoices").await {
        Ok(user) => user,
        Err(response) => return response,
    };
    match exports::credit_notes_csv(&state, &user).await {
        Ok(csv) => download(csv, "credit-notes", &user),
        Err(err) => failure(&err),
    }
}

pub async fn clients(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let user = match signed_in(&state, &headers, "/clients").await {
        Ok(user) => user,
        Err(response) => return response,
    };
    match exports::clients_csv(&state, &user).await {
        Ok(csv) => download(csv, "clients", &user),
        Err(err) => failure(&err),
    }
}

/// The signed-in user, or the answer instead: to sign in (and back to `page`).
async fn signed_in(state: &AppState, headers: &HeaderMap, page: &str) -> Result<UserDoc, Response> {
    match session::authenticate(state, headers, DateTime::now()).await {
        Ok(Some(authenticated)) => Ok(authenticated.user),
        Ok(None) => Err(Redirect::to(&format!("/sign-in?next={page}")).into_response()),
        Err(err) => Err(failure(&err)),
    }
}

fn download(csv: Vec<u8>, what: &str, user: &UserDoc) -> Response {
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        csv,
    )
        .into_response();
    let disposition = format!(
        "attachment; filename=\"paytrack-{what}-{}.csv\"",
        today_of(user)
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
