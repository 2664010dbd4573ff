//! Pages of the app proper load their data through server functions that require a session;
//! when one answers `Unauthorized`, the visitor is sent to sign in and brought back to the same
//! address afterwards. Checking there, rather than wrapping pages in a session gate, keeps one
//! suspense boundary per page: nested boundaries around resources broke hydration.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use crate::error::AppError;
use crate::ui::url::encode;

/// The loaded view, the way to sign in for a signed-out visitor, or the error's message.
pub fn or_sign_in<V: IntoView + 'static>(loaded: Result<V, AppError>) -> AnyView {
    match loaded {
        Ok(view) => {
            crate::ui::browser::mark_hydrated_when_built();
            view.into_any()
        }
        Err(AppError::Unauthorized) => view! { <SignInFirst /> }.into_any(),
        Err(err) => {
            answer_with_status(&err);
            match err {
                AppError::NotFound(message) => view! { <Missing message /> }.into_any(),
                err => {
                    view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any()
                }
            }
        }
    }
}

/// A failed load is not a 200 to crawlers, caches and uptime checks. Only pages the server
/// renders whole (`SsrMode::Async`: every signed-in page that loads through `or_sign_in`) can
/// still set it; a streamed page has sent its status before its data.
fn answer_with_status(err: &AppError) {
    #[cfg(feature = "ssr")]
    {
        use axum::http::StatusCode;
        let code = match err {
            // Signed out is a redirect (`SignInFirst`); a plan's limit is a page offering Pro.
            AppError::Unauthorized | AppError::PlanLimit(_) => return,
            // A page's address asked for something it cannot show (a filter that is no filter).
            AppError::Rejected(_) => StatusCode::BAD_REQUEST.as_u16(),
            err => err.status_code(),
        };
        if let (Some(response), Ok(status)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            StatusCode::from_u16(code),
        ) {
            response.set_status(status);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = err;
}

/// An invoice or client that is gone or is someone else's: said as a page, with a way on.
#[component]
fn Missing(message: String) -> impl IntoView {
    crate::ui::browser::mark_hydrated_when_built();
    view! {
        <Title text="Not found" />
        <div class="card empty">
            <h1>"Not found"</h1>
            <p>{message}</p>
            <p><a class="button" href="/dashboard">"Go to your dashboard"</a></p>
        </div>
    }
}

/// Sends a signed-out visitor to sign in, and back to this address (with its query) after.
#[component]
pub fn SignInFirst() -> impl IntoView {
    let location = use_location();
    // The router's `search` comes without its leading "?".
    let search = location.search.get_untracked();
    let here = if search.is_empty() {
        location.pathname.get_untracked()
    } else {
        format!("{}?{search}", location.pathname.get_untracked())
    };
    // The router's redirect sets a 302 only for requests that accept HTML; any other client
    // (a link checker, `curl`) would get a 200 with a `Location` and an empty page.
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::FOUND);
    }
    view! { <Redirect path=format!("/sign-in?next={}", encode(&here)) /> }
}
