//! Pages of the app proper load their data through server functions that require a session;
//! when one answers `Unauthorized`, the visitor is sent to sign in and brought back to the same
//! address afterwards. Checking there, rather than wrapping pages in a session gate, keeps one
//! suspense boundary per page: nested boundaries around resources broke hydration.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use crate::error::AppError;
use crate::ui::url::encode;

/// The loaded view, the way to sign in for a signed-out visitor, or the error's message.
pub fn or_sign_in<V: IntoView + 'static>(loaded: Result<V, AppError>) -> AnyView {
    match loaded {
        Ok(view) => {
            // Runs in the browser once this page's content has hydrated.
            Effect::new(|_| crate::ui::browser::mark_hydrated());
            view.into_any()
        }
        Err(AppError::Unauthorized) => view! { <SignInFirst /> }.into_any(),
        Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
    }
}

#[component]
fn SignInFirst() -> impl IntoView {
    let location = use_location();
    // The router's `search` comes without its leading "?".
    let search = location.search.get_untracked();
    let here = if search.is_empty() {
        location.pathname.get_untracked()
    } else {
        format!("{}?{search}", location.pathname.get_untracked())
    };
    view! { <Redirect path=format!("/sign-in?next={}", encode(&here)) /> }
}
