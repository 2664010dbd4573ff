//! Files beside the pages: an invoice's PDF for the owner (`GET /invoices/{id}/pdf`, signed
//! in) and for the client (`GET /i/{token}/pdf`, the link is the permission), an invoice's
//! credit notes for the owner (`GET /invoices/{id}/credit-note/pdf` for the one that cancelled
//! it, `GET /invoices/{id}/credit-notes/{number}/pdf` for any) and for the client (`GET
//! /i/{token}/credit-notes/{number}/pdf`, those that reduced it), and the
//! seller's logo — uploaded as the request body (`POST /account/logo`, signed in) and served
//! (`GET /logos/{user}/{version}`, public like the invoice pages that show it).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use mongodb::bson::DateTime;
use mongodb::bson::oid::ObjectId;

use crate::error::AppError;
use crate::server::auth::session;
use crate::server::db::users::UserDoc;
use crate::server::db::{self, logos};
use crate::server::invoicing::pdf::{self, InvoicePdf};
use crate::server::state::AppState;

use super::plain_failure as failure;

/// The files' routes, for the app's router.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/invoices/{id}/pdf", get(owner_pdf))
        .route("/invoices/{id}/credit-note/pdf", get(credit_note_pdf))
        .route(
            "/invoices/{id}/credit-notes/{number}/pdf",
            get(numbered_credit_note_pdf),
        )
        .route("/i/{token}/pdf", get(link_pdf))
        .route(
            "/i/{token}/credit-notes/{number}/pdf",
            get(link_credit_note_pdf),
        )
        .route("/logos/{user}/{version}", get(logo))
        .route(
            "/account/logo",
            post(upload_logo).layer(axum::extract::DefaultBodyLimit::max(
                crate::server::accounts::logo::MAX_BYTES + 1,
            )),
        )
}

/// `GET /invoices/{id}/pdf`: signed-out visitors are sent to sign in and brought back.
pub async fn owner_pdf(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    owners_pdf(&state, &headers, &id, Asked::Invoice).await
}

/// `GET /invoices/{id}/credit-note/pdf`: as the invoice's own PDF, for the credit note that
/// cancelled it.
pub async fn credit_note_pdf(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    owners_pdf(&state, &headers, &id, Asked::CreditNote(None)).await
}

/// `GET /invoices/{id}/credit-notes/{number}/pdf`: any of the invoice's credit notes.
pub async fn numbered_credit_note_pdf(
    State(state): State<AppState>,
    Path((id, number)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    owners_pdf(&state, &headers, &id, Asked::CreditNote(Some(&number))).await
}

/// Which of an invoice's documents is asked for.
enum Asked<'a> {
    Invoice,
    /// The credit note with this number, or the one that cancelled it.
    CreditNote(Option<&'a str>),
}

/// The owner's invoice `id` as a PDF, or one of its credit notes.
async fn owners_pdf(state: &AppState, headers: &HeaderMap, id: &str, which: Asked<'_>) -> Response {
    let (user, id) = match owners_invoice(state, headers, id).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let made = match which {
        Asked::Invoice => pdf::for_owner(state, &user, id).await,
        Asked::CreditNote(number) => pdf::credit_note_for_owner(state, &user, id, number).await,
    };
    match made {
        Ok(pdf) => download(pdf, "private, no-store"),
        Err(err) => failure(&err),
    }
}

/// Who asks for a file of invoice `id`, and its id — or the answer: not found (an id that
/// can't be one, checked first so the way back after signing in is always a plain path), or
/// sign in first and come back to the invoice.
async fn owners_invoice(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
) -> Result<(UserDoc, ObjectId), Response> {
    let Ok(id) = ObjectId::parse_str(id) else {
        return Err(failure(&AppError::not_found("invoice")));
    };
    match session::authenticate(state, headers, DateTime::now()).await {
        Ok(Some(authenticated)) => Ok((authenticated.user, id)),
        Ok(None) => Err(Redirect::to(&format!("/sign-in?next=/invoices/{id}")).into_response()),
        Err(err) => Err(failure(&err)),
    }
}

/// `GET /i/{token}/pdf`: what the client's page shows, as a file.
pub async fn link_pdf(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match pdf::for_link(&state, &token).await {
        Ok(Some(pdf)) => download(pdf, "private, no-store"),
        Ok(None) => failure(&link_gone()),
        Err(err) => failure(&err),
    }
}

/// `GET /i/{token}/credit-notes/{number}/pdf`: a credit note that reduced the invoice, for the
/// client (the link is the permission, as for the invoice).
pub async fn link_credit_note_pdf(
    State(state): State<AppState>,
    Path((token, number)): Path<(String, String)>,
) -> Response {
    match pdf::credit_note_for_link(&state, &token, &number).await {
        Ok(Some(pdf)) => download(pdf, "private, no-store"),
        Ok(None) => failure(&link_gone()),
        Err(err) => failure(&err),
    }
}

fn link_gone() -> AppError {
    AppError::NotFound(
        "This invoice link doesn't work any more. Ask the sender for a new one.".to_string(),
    )
}

/// `POST /account/logo`: the image is the whole body. Answers the logo's path as text, or
/// what is wrong with the image (and nothing changed).
pub async fn upload_logo(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let user = match session::authenticate(&state, &headers, DateTime::now()).await {
        Ok(Some(authenticated)) => authenticated.user,
        Ok(None) => return failure(&AppError::Unauthorized),
        Err(err) => return failure(&err),
    };
    // Past the route's body limit the image is not even read.
    let body = match body {
        Ok(body) => body,
        Err(refused) if refused.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return failure(&AppError::TooLarge(format!(
                "That image is larger than {} KB, the most a logo can be.",
                crate::server::accounts::logo::MAX_BYTES / 1024
            )));
        }
        Err(_) => {
            return failure(&AppError::BadRequest(
                "the image did not arrive whole; please try again.".to_string(),
            ));
        }
    };
    match crate::server::accounts::logo::upload(&state, &user, body.to_vec()).await {
        Ok(logo) => ([(header::CACHE_CONTROL, "no-store")], logo.path(user.id)).into_response(),
        Err(err) => failure(&err),
    }
}

/// `GET /logos/{user}/{version}`: a version is never changed, so browsers may keep it.
pub async fn logo(
    State(state): State<AppState>,
    Path((user, version)): Path<(String, String)>,
) -> Response {
    let Ok(user) = ObjectId::parse_str(&user) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match logos::get(&state.db, user).await {
        Ok(Some(logo)) if logo.version == version => (
            [
                (header::CONTENT_TYPE, logo.content_type.clone()),
                (
                    header::CACHE_CONTROL,
                    "public, max-age=31536000, immutable".to_string(),
                ),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            ],
            logo.bytes.bytes,
        )
            .into_response(),
        Ok(_) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => failure(&db::user_facing("reading a logo", err)),
    }
}

fn download(pdf: InvoicePdf, cache: &'static str) -> Response {
    let mut response = (
        [
            (header::CONTENT_TYPE, "application/pdf"),
            (header::CACHE_CONTROL, cache),
        ],
        pdf.bytes,
    )
        .into_response();
    // Opened in the browser's viewer; saved under the invoice's number.
    let disposition = format!("inline; filename=\"{}\"", pdf.filename);
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
