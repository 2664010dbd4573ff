use crate::ui::actions::failure_of;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::auth::{
    AddressChange, Me, ProfileUpdate, RemovePicture, RequestAddressChange, UpdateProfile,
    my_sessions, time_zones,
};
use crate::error::AppError;
use crate::ui::components::signed_in::or_sign_in;
use crate::ui::session::use_session;

/// Account settings: profile, how you sign in, and signing out. Signed-out visitors are sent
/// to sign in and brought back here.
#[component]
pub fn Account() -> impl IntoView {
    let session = use_session();
    // Owned here, above the part that re-renders when the session refetches after a save, so
    // the outcome ("Saved.", field errors) survives the refresh.
    let save = ServerAction::<UpdateProfile>::new();
    Effect::new(move |_| {
        if let Some(Ok(ProfileUpdate::Saved(_))) = save.value().get() {
            session.0.refetch();
        }
    });
    view! {
        <Title text="Account" />
        <Transition fallback=|| view! { <p class="muted">"Loading your account…"</p> }>
            {move || Suspend::new(async move {
                let me = session.0.await.and_then(|me| me.ok_or(AppError::Unauthorized));
                or_sign_in(me.map(|me| view! { <AccountSettings me save /> }))
            })}
        </Transition>
    }
}

#[component]
fn AccountSettings(me: Me, save: ServerAction<UpdateProfile>) -> impl IntoView {
    let query = use_query_map();
    let zones = OnceResource::new_serde_wb(time_zones());
    let sessions = OnceResource::new_serde_wb(my_sessions());
    let errors = move || match save.value().get() {
        Some(Ok(ProfileUpdate::Invalid(errors))) => errors,
        _ => Default::default(),
    };
    let saved = move || matches!(save.value().get(), Some(Ok(ProfileUpdate::Saved(_))));
    let failure = failure_of(save.value());
    let unavailable = move || query.read().get("problem").as_deref() == Some("unavailable");
    let unconfirmed = move || query.read().get("problem").as_deref() == Some("confirm");
    let billing_down = move || query.read().get("problem").as_deref() == Some("billing");
    let address_changed = move || query.read().get("address").as_deref() == Some("changed");
    let method = if me.signed_in_with == "google" {
        "Google"
    } else {
        "an emailed link"
    };
    let current_zone = me.time_zone.clone();
    let sessions_zone = format!("Times in {}.", me.time_zone);

    view! {
        <section class="page account">
            <h1>"Your account"</h1>
            <Show when=unavailable>
                <p class="notice notice-warning" role="alert">"That didn't work: PayTrack couldn't reach its database. Please try again."</p>
            </Show>
            <Show when=billing_down>
                <p class="notice notice-warning" role="alert">"Your account was not deleted: PayTrack could not cancel your Pro subscription with Stripe, and will not delete an account it might still charge. Please try again in a minute."</p>
            </Show>

            <section class="card" aria-labelledby="profile-title">
                <h2 id="profile-title">"Profile"</h2>
                <ActionForm action=save attr:class="form">
                    <label for="name">"Name"</label>
                    <input id="name" name="name" type="text" autocomplete="name" value=me.name.clone()
                        aria-invalid=move || errors().name.is_some().to_string() aria-describedby="name-error" />
                    <p id="name-error" class="field-error">{move || errors().name}</p>

                    <label for="time_zone">"Time zone"</label>
                    <select id="time_zone" name="time_zone"
                        aria-invalid=move || errors().time_zone.is_some().to_string() aria-describedby="tz-error tz-help">
                        <Suspense fallback=move || view! { <option value=current_zone.clone() selected>{current_zone.clone()}</option> }>
                            {
                                let current = me.time_zone.clone();
                                move || {
                                    let current = current.clone();
                                    Suspend::new(async move {
                                        zones.await.map(|zones| zones.into_iter().map(|zone| {
                                            let selected = zone == current;
                                            view! { <option value=zone.clone() selected=selected>{zone.clone()}</option> }
                                        }).collect_view())
                                    })
                                }
                            }
                        </Suspense>
                    </select>
                    <p id="tz-help" class="muted small">"Reminders go out at the hour you chose on "<A href="/reminders">"Reminders"</A>" in this zone, and dates are shown in it."</p>
                    <p id="tz-error" class="field-error">{move || errors().time_zone}</p>

                    <label for="invoice_prefix">"Invoice number prefix"</label>
                    <input id="invoice_prefix" name="invoice_prefix" type="text" maxlength="12" spellcheck="false"
                        value=me.invoice_prefix.clone()
                        aria-invalid=move || errors().invoice_prefix.is_some().to_string() aria-describedby="prefix-help prefix-error" />
                    <p id="prefix-help" class="muted small">"New invoices are numbered with this prefix, then the next number of your sequence ("<A href="/account/business">"Business details"</A>" shows which)."</p>
                    <p id="prefix-error" class="field-error">{move || errors().invoice_prefix}</p>

                    <div class="form-actions">
                        <button type="submit" class="button" disabled=move || save.pending().get()>
                            {move || if save.pending().get() { "Saving…" } else { "Save profile" }}
                        </button>
                        <span class="saved" role="status">{move || saved().then_some("Saved.")}</span>
                    </div>
                    <p class="form-error" role="alert">{failure}</p>
                </ActionForm>
            </section>

            <section class="card" aria-labelledby="business-title">
                <h2 id="business-title">"Business details"</h2>
                <p>"Your legal name, address, tax number, logo and bank details, as your invoices and their PDFs show them."</p>
                <p><a class="button button-secondary" href="/account/business">"Edit business details"</a></p>
            </section>

            <section class="card" aria-labelledby="signin-title">
                <h2 id="signin-title">"How you sign in"</h2>
                <Show when=address_changed>
                    <p class="notice notice-success" role="status">"Your sign-in address is changed. We told your previous address."</p>
                </Show>
                <div class="identity">
                    <Picture picture=me.picture.clone() />
                    <p>"Email: " <strong>{me.email.clone()}</strong></p>
                </div>
                <ul class="methods">
                    <li>"Emailed link to " {me.email.clone()} " — always available"</li>
                    <li>{if me.google_linked { "Google — linked" } else { "Google — not linked (use “Continue with Google” with this address to link it)" }}</li>
                </ul>
                <p class="muted">"This session signed in with " {method} "."</p>
                <ChangeAddress />
            </section>

            <section class="card" aria-labelledby="data-title">
                <h2 id="data-title">"Your data"</h2>
                <p>"Download everything PayTrack holds about you — profile, sessions and, as they arrive, clients, invoices, reminders and emails — as one JSON file. Secrets such as your Stripe key are never included."</p>
                <a class="button button-secondary" href="/account/export" download rel="external">"Export my data"</a>
            </section>

            <section class="card danger-zone" id="delete" aria-labelledby="delete-title">
                <h2 id="delete-title">"Delete your account"</h2>
                <p>"This removes your profile and everything stored under your account, signs you out everywhere, and emails you a receipt. It cannot be undone."</p>
                <form method="post" action="/account/delete" class="form" on:submit=|_| crate::ui::browser::reset_support_chat()>
                    <label for="confirm">"Type your email address to confirm"</label>
                    <input id="confirm" name="confirm" type="text" autocomplete="off" spellcheck="false" required
                        aria-invalid=move || unconfirmed().to_string() aria-describedby="confirm-error" />
                    <p id="confirm-error" class="field-error">{move || unconfirmed().then_some("That doesn't match your email address, so nothing was deleted.")}</p>
                    <button type="submit" class="button button-danger">"Delete my account"</button>
                </form>
            </section>

            <section class="card" aria-labelledby="sessions-title">
                <h2 id="sessions-title">"Sessions"</h2>
                <p class="muted small">{sessions_zone}</p>
                <Suspense fallback=|| view! { <p class="muted">"Loading sessions…"</p> }>
                    {move || Suspend::new(async move {
                        sessions.await.map(|sessions| view! {
                            <ul class="session-list">
                                {sessions.into_iter().map(|s| view! {
                                    <li class="session" class:current=s.current>
                                        <strong>{s.device}</strong>
                                        {s.current.then_some(view! { <span class="badge">"This device"</span> })}
                                        <br />
                                        <span class="muted small">
                                            {format!("Signed in on {} with {} from {} · last used {}",
                                                s.signed_in_on,
                                                if s.method == "google" { "Google" } else { "an emailed link" },
                                                s.ip,
                                                s.last_used)}
                                        </span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        })
                    })}
                </Suspense>
                <div class="button-row">
                    <form method="post" action="/auth/sign-out" on:submit=|_| crate::ui::browser::reset_support_chat()>
                        <button type="submit" class="button button-secondary">"Sign out"</button>
                    </form>
                    <form method="post" action="/auth/sign-out-everywhere" on:submit=|_| crate::ui::browser::reset_support_chat()>
                        <button type="submit" class="button button-secondary">"Sign out everywhere"</button>
                    </form>
                </div>
                <p class="muted small">"Signing out everywhere ends every session on every device, including this one."</p>
            </section>
        </section>
    }
}

/// The Google picture, and the way to remove it (Google sign-ins then stop bringing it back).
#[component]
fn Picture(picture: Option<String>) -> impl IntoView {
    let remove = ServerAction::<RemovePicture>::new();
    let session = use_session();
    Effect::new(move |_| {
        if let Some(Ok(_)) = remove.value().get() {
            session.0.refetch();
        }
    });
    let failure = failure_of(remove.value());
    picture.map(|src| {
        view! {
            <img class="avatar" src=src alt="Your profile picture" width="48" height="48" referrerpolicy="no-referrer" />
            <ActionForm action=remove attr:class="form-inline">
                <button type="submit" class="button button-secondary button-small" disabled=move || remove.pending().get()>
                    "Remove picture"
                </button>
            </ActionForm>
            <p class="form-error" role="alert">{failure}</p>
        }
    })
}

/// Asks for a new sign-in address; a link to it confirms the change.
#[component]
fn ChangeAddress() -> impl IntoView {
    let change = ServerAction::<RequestAddressChange>::new();
    let problem = move || match change.value().get() {
        Some(Ok(AddressChange::Invalid(message))) => Some(message),
        _ => None,
    };
    let sent = move || match change.value().get() {
        Some(Ok(AddressChange::Sent(address))) => Some(format!(
            "We sent a confirmation link to {address}. Your address changes when you open it (within an hour)."
        )),
        _ => None,
    };
    let failure = failure_of(change.value());
    view! {
        <h3>"Change your sign-in address"</h3>
        <ActionForm action=change attr:class="form" attr:novalidate=true>
            <label for="new_address">"New email address"</label>
            <input id="new_address" name="new_address" type="email" autocomplete="email" required
                aria-invalid=move || problem().is_some().to_string() aria-describedby="new-address-error" />
            <p id="new-address-error" class="field-error">{problem}</p>
            <div class="form-actions">
                <button type="submit" class="button button-secondary" disabled=move || change.pending().get()>
                    {move || if change.pending().get() { "Sending…" } else { "Send confirmation link" }}
                </button>
            </div>
            <p class="saved" role="status">{sent}</p>
            <p class="form-error" role="alert">{failure}</p>
        </ActionForm>
    }
}
