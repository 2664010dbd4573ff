//! Server functions that act for a user refuse a caller without a live session before they
//! read a byte of the request's body: such a caller is told to sign in (401), never what the
//! function takes or why its arguments are wrong (it was told "“id” is missing" with a 400
//! before), and a flood of signed-out requests costs no parsing. The session found here goes
//! on to the function in the request's extensions (`api::ssr::signed_in`), so a request looks
//! it up, and slides its expiry forward, once.

use std::collections::HashSet;
use std::sync::OnceLock;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use mongodb::bson::DateTime;

use crate::error::AppError;
use crate::server::auth::session;
use crate::server::http::api_failure;
use crate::server::state::AppState;

/// The server functions that answer signed-out callers too: who is signed in (nobody, say),
/// asking for and redeeming sign-in links, the time zones the sign-in form offers, confirming a
/// new address from its email, the client's invoice page and promise to pay, the site's own
/// settings, and the development outbox (which guards itself).
pub const OPEN_ENDPOINTS: &[&str] = &[
    "/api/auth/me",
    "/api/auth/request-link",
    "/api/auth/link-status",
    "/api/account/time-zones",
    "/api/account/address-status",
    "/api/public/invoice",
    "/api/public/promise",
    "/api/site/info",
    "/api/dev/outbox",
    "/api/dev/reply",
];

/// Every server function's path and method, as registered when the binary was linked.
fn registered() -> &'static HashSet<(&'static str, Method)> {
    static REGISTERED: OnceLock<HashSet<(&'static str, Method)>> = OnceLock::new();
    REGISTERED.get_or_init(|| leptos::server_fn::axum::server_fn_paths().collect())
}

/// Whether a request to `path` with `method` reaches a server function that needs a session.
/// Addresses that are no server function keep their own answers (404, 405).
pub fn needs_session(path: &str, method: &Method) -> bool {
    path.starts_with("/api/")
        && !OPEN_ENDPOINTS.contains(&path)
        && registered().contains(&(path, method.clone()))
}

pub async fn require_session(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if !needs_session(request.uri().path(), request.method()) {
        return next.run(request).await;
    }
    let mut authenticated =
        match session::authenticate(&state, request.headers(), DateTime::now()).await {
            Ok(Some(authenticated)) => authenticated,
            Ok(None) => return api_failure(AppError::Unauthorized),
            Err(err) => return api_failure(err),
        };
    // The renewed cookie is this layer's to send: the function only reads who asks.
    let renewed = authenticated.renewed_cookie.take();
    request.extensions_mut().insert(authenticated);
    let mut response = next.run(request).await;
    if let Some(value) = renewed.and_then(|cookie| HeaderValue::from_str(&cookie).ok()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_server_functions_outside_the_open_list_need_a_session() {
        assert!(needs_session("/api/dashboard", &Method::POST));
        assert!(needs_session("/api/invoices/get", &Method::POST));
        assert!(!needs_session("/api/auth/me", &Method::POST));
        assert!(!needs_session("/api/public/promise", &Method::POST));
        // Not a server function, or not with that method: its own 404 or 405 answers.
        assert!(!needs_session("/api/no-such-thing", &Method::POST));
        assert!(!needs_session("/api/dashboard", &Method::GET));
        assert!(!needs_session("/dashboard", &Method::GET));
    }

    #[test]
    fn every_open_endpoint_is_a_server_function() {
        for path in OPEN_ENDPOINTS {
            assert!(
                registered().contains(&(*path, Method::POST)),
                "{path} is no server function"
            );
        }
    }
}
