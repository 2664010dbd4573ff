use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::auth::{LinkRequest, RequestLoginLink};
use crate::api::site::get_site_info;
use crate::domain::return_path;
use crate::ui::browser;
use crate::ui::session::use_session;
use crate::ui::url::encode;

/// Sign in with Google or an emailed link. `?next=` is where to land afterwards; `?problem=` and
/// `?signed_out=` explain why the user is here.
#[component]
pub fn SignIn() -> impl IntoView {
    crate::ui::browser::mark_hydrated_when_built();
    let query = use_query_map();
    let next = move || {
        query
            .read()
            .get("next")
            .unwrap_or_else(|| "/dashboard".to_string())
    };
    let notice = move || {
        let q = query.read();
        if q.get("problem").as_deref() == Some("link") {
            Some((
                "warning",
                "That sign-in link has expired or was already used. Enter your email for a new one.",
            ))
        } else if q.get("problem").as_deref() == Some("unavailable") {
            Some((
                "warning",
                "PayTrack couldn't sign you in just now. Please try again in a moment.",
            ))
        } else if q.get("signed_out").as_deref() == Some("everywhere") {
            Some((
                "info",
                "You are signed out on every device. We emailed you a note about it.",
            ))
        } else {
            None
        }
    };

    // Someone already signed in (another tab signed in, an old bookmark) is told so and shown
    // the way on; the form stays for signing in as someone else.
    let session = use_session();
    let already_in = move || match session.0.get() {
        Some(Ok(Some(me))) => Some(me.email),
        _ => None,
    };
    let onward = move || match return_path::same_site(&next()) {
        Some(path) if path != "/" && path != "/dashboard" => {
            (path.to_string(), "Go on to the page you were opening")
        }
        _ => ("/dashboard".to_string(), "Open your dashboard"),
    };

    let request = ServerAction::<RequestLoginLink>::new();
    let (time_zone, set_time_zone) = signal(String::new());
    Effect::new(move |_| set_time_zone.set(browser::time_zone().unwrap_or_default()));
    let site = OnceResource::new_serde_wb(get_site_info());

    let email_error = move || match request.value().get() {
        Some(Ok(LinkRequest::InvalidEmail(message))) => Some(message),
        _ => None,
    };
    let sent_to = move || match request.value().get() {
        Some(Ok(LinkRequest::Sent { email })) => Some(email),
        _ => None,
    };
    let failure = move || match request.value().get() {
        Some(Err(err)) => Some(err.to_string()),
        _ => None,
    };

    view! {
        <Title text="Sign in" />
        <section class="page auth-card">
            <h1>"Sign in to PayTrack"</h1>
            {move || notice().map(|(kind, text)| view! { <p class=format!("notice notice-{kind}") role="status">{text}</p> })}
            <Transition fallback=|| ()>
                {move || already_in().map(|email| {
                    let (href, text) = onward();
                    view! {
                        <p class="notice notice-info" role="status">
                            "You are signed in as " <strong>{email}</strong> ". " <A href=href>{text}</A>
                            ", or sign in below as someone else."
                        </p>
                    }
                })}
            </Transition>
            <Show
                when=move || sent_to().is_none()
                fallback=move || view! {
                    <div class="notice notice-success" role="status">
                        <h2>"Check your inbox"</h2>
                        <p>
                            "We sent a sign-in link to " <strong>{sent_to}</strong>
                            ". It works once, for 15 minutes."
                        </p>
                    </div>
                }
            >
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        site.await.ok().filter(|s| s.google_sign_in).map(|_| {
                            let href = move || format!(
                                "/auth/google/start?next={}&tz={}",
                                encode(&next()),
                                encode(&time_zone.get()),
                            );
                            view! {
                                <a class="button button-google" href=href rel="external">"Continue with Google"</a>
                                <p class="divider"><span>"or"</span></p>
                            }
                        })
                    })}
                </Suspense>
                <p class="muted">"We'll email you a link that signs you in — no password needed. New here? The same link creates your account."</p>
                <ActionForm action=request attr:class="form" attr:novalidate=true>
                    <label for="email">"Email address"</label>
                    <input
                        id="email"
                        name="email"
                        type="email"
                        autocomplete="email"
                        required
                        aria-invalid=move || email_error().is_some().to_string()
                        aria-describedby="email-error"
                    />
                    <p id="email-error" class="field-error" aria-live="polite">{email_error}</p>
                    <input type="hidden" name="time_zone" prop:value=time_zone />
                    <input type="hidden" name="next" prop:value=next />
                    <button type="submit" class="button" disabled=move || request.pending().get()>
                        {move || if request.pending().get() { "Sending…" } else { "Email me a sign-in link" }}
                    </button>
                    <p class="form-error" role="alert">{failure}</p>
                </ActionForm>
            </Show>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    site.await.ok().filter(|s| s.dev_outbox).map(|_| view! {
                        <p class="dev-hint">
                            "Developing locally? Emails land in the "
                            <a href="/dev/outbox">"dev outbox"</a> "."
                        </p>
                    })
                })}
            </Suspense>
        </section>
    }
}
