//! Server functions, one module per area. Each is a public HTTP endpoint: it authenticates and
//! authorizes by itself (`ssr::who_asks`), parses into domain types, calls one operation of
//! the server layer and maps its answer to a wire type. The HTTP status of a failure is set in
//! one place, from the `AppError` (`server::http::api_errors`).

pub mod auth;
pub mod billing;
pub mod business;
pub mod clients;
pub mod dashboard;
pub mod dev;
pub mod invoices;
pub mod operator;
pub mod public;
pub mod reminders;
pub mod site;
pub mod stripe;

#[cfg(feature = "ssr")]
mod ssr {
    use axum::http::request::Parts;
    use axum::http::{HeaderValue, header};
    use leptos::prelude::{use_context, with_context};
    use leptos_axum::ResponseOptions;
    use mongodb::bson::DateTime;
    use mongodb::bson::oid::ObjectId;

    use crate::error::AppError;
    use crate::server::auth::session::{self, Authenticated};
    use crate::server::db::users::UserDoc;
    use crate::server::state::AppState;

    /// The server state provided to every server function by the router.
    #[track_caller]
    pub fn state() -> Result<AppState, AppError> {
        let caller = std::panic::Location::caller();
        use_context::<AppState>().ok_or_else(|| {
            if page_request_ended() {
                tracing::debug!(%caller, "a page's read started after its client went away");
            } else {
                tracing::error!(%caller, "server function called without AppState in context");
            }
            AppError::Internal
        })
    }

    /// Whether this runs for a page whose request has ended. A page's reads run as tasks of
    /// their own, and one that starts after the client hung up (wrk stopping, a closed tab)
    /// finds the page's owner, which held the request's context, dropped: its component's
    /// owner has lost its parent but keeps the page's rendering context. A server function
    /// called over HTTP runs under a root owner without one, so a missing state there is
    /// still the programming error it is.
    fn page_request_ended() -> bool {
        use leptos::prelude::Owner;
        Owner::current().is_some_and(|owner| owner.parent().is_none())
            && Owner::current_shared_context().is_some()
    }

    /// Reads the incoming request's method, URI, headers and extensions in place: they carry
    /// the signed-in user, which a copy per call would clone with them.
    pub fn with_parts<R>(read: impl FnOnce(&Parts) -> R) -> Result<R, AppError> {
        with_context::<Parts, _>(read).ok_or_else(|| {
            tracing::error!("server function called without request parts in context");
            AppError::Internal
        })
    }

    /// The address the request came from (for rate limits and session records).
    pub fn client_addr() -> Result<Option<std::net::IpAddr>, AppError> {
        with_parts(|parts| crate::server::auth::request::client_addr(&parts.extensions))
    }

    /// The signed-in user and session, if any. Renews the cookie when the session slid forward.
    #[track_caller]
    pub fn signed_in() -> impl std::future::Future<Output = Result<Option<Authenticated>, AppError>>
    {
        let state = state();
        async move { signed_in_with(state?).await }
    }

    async fn signed_in_with(state: AppState) -> Result<Option<Authenticated>, AppError> {
        // Over HTTP, a function that needs a session had it looked up by the gate in front of
        // it (`server::auth::api_gate`), which also sends a renewed cookie.
        let known = with_parts(|parts| parts.extensions.get::<Authenticated>().cloned())?;
        let authenticated = match known {
            Some(known) => Some(known),
            None => {
                let headers = with_parts(|parts| parts.headers.clone())?;
                session::authenticate(&state, &headers, DateTime::now()).await?
            }
        }
        .map(|mut a| {
            // Everything a request does with the user sees what their plan allows.
            a.user = crate::server::limits::apply(&state, a.user);
            a
        });
        if let Some(cookie) = authenticated
            .as_ref()
            .and_then(|a| a.renewed_cookie.as_ref())
            && let Some(response) = use_context::<ResponseOptions>()
            && let Ok(value) = HeaderValue::from_str(cookie)
        {
            response.append_header(header::SET_COOKIE, value);
        }
        Ok(authenticated)
    }

    /// The signed-in user, or `Unauthorized`. Every protected server function starts here.
    #[track_caller]
    pub fn require_user() -> impl std::future::Future<Output = Result<Authenticated, AppError>> {
        let signed_in = signed_in();
        async move { signed_in.await?.ok_or(AppError::Unauthorized) }
    }

    /// Who asks, and the server state: the start of every function acting for a user.
    pub async fn who_asks() -> Result<(UserDoc, AppState), AppError> {
        let user = require_user().await?.user;
        Ok((user, state()?))
    }

    /// `who_asks` for a function acting on one of the user's things, with the id they sent
    /// (parsed; a malformed one is "not found").
    pub async fn signed_in_with_id(
        id: &str,
        what: &str,
    ) -> Result<(UserDoc, ObjectId, AppState), AppError> {
        let user = require_user().await?.user;
        let id = crate::server::db::parse_id(id, what)?;
        Ok((user, id, state()?))
    }

    #[cfg(test)]
    mod tests {
        use std::sync::Arc;

        use hydration_context::SsrSharedContext;
        use leptos::prelude::Owner;

        use super::*;

        #[test]
        fn a_page_read_after_its_request_ended_is_told_from_a_missing_state() {
            let page = Owner::new_root(Some(Arc::new(SsrSharedContext::new())));
            let component = page.with(Owner::new);
            assert!(
                !component.with(page_request_ended),
                "while the request lasts"
            );
            drop(page);
            assert!(component.with(page_request_ended));
            assert!(matches!(
                component.with(|| state()),
                Err(AppError::Internal)
            ));

            let over_http = Owner::new_root(None);
            assert!(!over_http.with(page_request_ended));
            assert!(!page_request_ended(), "outside any owner");
        }
    }
}
