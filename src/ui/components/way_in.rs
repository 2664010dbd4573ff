//! The buttons that lead a visitor to sign in ("Get started free", "Start free") lead someone
//! already signed in on instead: the sign-in form is no use to them, and asking them to sign
//! in again reads as if they had been signed out.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::ui::session::use_session;

/// A link to `/sign-in` saying `label`, or, for someone signed in, to `signed_in`'s path
/// saying its words.
#[component]
pub fn WayIn(
    label: &'static str,
    signed_in: (&'static str, &'static str),
    class: &'static str,
) -> impl IntoView {
    let session = use_session();
    let to = move |(href, text): (&'static str, &'static str)| {
        view! { <A href=href attr:class=class>{text}</A> }
    };
    let link = move || match session.0.get() {
        Some(Ok(Some(_))) => to(signed_in),
        _ => to(("/sign-in", label)),
    };
    view! { <Transition fallback=move || to(("/sign-in", label))>{link}</Transition> }
}
