use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::dev::{ReplyAsClient as ReplyAsClientFn, outbox};

/// Local development only: the emails PayTrack would have sent, newest first.
#[component]
pub fn DevOutbox() -> impl IntoView {
    let emails = Resource::new_serde_wb(|| (), |_| outbox());
    let (open, set_open) = signal(None::<String>);
    // Which email was last answered and what came of it: kept here, not in the form, because
    // the refreshed list draws new forms.
    let answered = RwSignal::new(None::<(String, String)>);
    let on_replied = Callback::new(move |done: (String, String)| {
        answered.set(Some(done));
        emails.refetch();
    });

    view! {
        <Title text="Dev outbox" />
        <section class="page outbox">
            <h1>"Dev outbox"</h1>
            <p class="muted">"No email provider is configured, so PayTrack keeps its emails here instead of sending them."</p>
            <button type="button" class="button button-secondary" on:click=move |_| emails.refetch()>"Refresh"</button>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    emails.await.map(|emails| {
                        // Runs in the browser once the list has hydrated: it opens and replies.
                        crate::ui::browser::mark_hydrated_when_built();
                        if emails.is_empty() {
                            return view! { <p class="empty">"Nothing sent yet. Request a sign-in link and it will appear here."</p> }.into_any();
                        }
                        view! {
                            <ul class="outbox-list">
                                {emails.into_iter().map(|email| {
                                    let id = email.id.clone();
                                    let id_for_check = email.id.clone();
                                    let is_open = Memo::new(move |_| open.get().as_deref() == Some(id_for_check.as_str()));
                                    view! {
                                        <li class="outbox-item" data-kind=email.kind.clone()>
                                            <button type="button" class="outbox-summary" aria-expanded=move || is_open.get().to_string()
                                                on:click=move |_| set_open.set(Some(id.clone()))>
                                                <strong>{email.subject.clone()}</strong>
                                                <span>" to " {email.to.clone()}</span>
                                                <time class="muted">{email.sent_at.clone()}</time>
                                                {(!email.attachments.is_empty()).then(|| view! {
                                                    <span class="muted outbox-attachments">{format!("Attached: {}", email.attachments.join(", "))}</span>
                                                })}
                                            </button>
                                            <Show when=move || is_open.get()>
                                                <div class="outbox-body">
                                                    {email.from.clone().map(|from| view! { <p class="muted">"From " {from}</p> })}
                                                    {(!email.html.is_empty()).then(|| view! {
                                                        <iframe title="Email (HTML)" sandbox="" srcdoc=email.html.clone()></iframe>
                                                    })}
                                                    <pre class="outbox-text">{email.text.clone()}</pre>
                                                    {email.answerable.then(|| view! { <ReplyAsClient email_id=email.id.clone() answered on_done=on_replied /> })}
                                                </div>
                                            </Show>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    })
                })}
            </Transition>
        </section>
    }
}

/// Locally there is no mail server to reply through: this writes the client's answer to an
/// invoice email or reminder and hands it to PayTrack as Resend would hand over received mail.
#[component]
fn ReplyAsClient(
    email_id: String,
    /// The email last answered and what came of it.
    answered: RwSignal<Option<(String, String)>>,
    on_done: Callback<(String, String)>,
) -> impl IntoView {
    let reply = ServerAction::<ReplyAsClientFn>::new();
    let text = RwSignal::new(String::new());
    let automatic = RwSignal::new(false);
    let field = format!("reply-{email_id}");
    let auto_field = format!("reply-auto-{email_id}");
    let this_email = email_id.clone();
    Effect::new(move |_| {
        if let Some(Ok(done)) = reply.value().get() {
            text.set(String::new());
            on_done.run((this_email.clone(), done));
        }
    });
    let this_email = email_id.clone();
    let outcome = move || {
        answered.with(|a| {
            a.as_ref()
                .filter(|(id, _)| *id == this_email)
                .map(|(_, done)| done.clone())
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        reply.dispatch(ReplyAsClientFn {
            email_id: email_id.clone(),
            text: text.get_untracked(),
            automatic: automatic.get_untracked(),
        });
    };
    view! {
        <form class="form reply-as-client" on:submit=submit novalidate>
            <label for=field.clone()>"Reply as the client"</label>
            <textarea id=field rows="3" bind:value=text placeholder="e.g. Paying on Friday, sorry for the delay."></textarea>
            <label class="checkbox">
                <input id=auto_field type="checkbox" prop:checked=move || automatic.get()
                    on:change=move |ev| automatic.set(event_target_checked(&ev)) />
                <span>"An automatic out-of-office answer"</span>
            </label>
            <button type="submit" class="button button-secondary" disabled=move || reply.pending().get()>"Send the reply"</button>
            <p role="status" class="muted">{outcome}</p>
            <p class="form-error" role="alert">{move || match reply.value().get() { Some(Err(err)) => Some(err.to_string()), _ => None }}</p>
        </form>
    }
}
