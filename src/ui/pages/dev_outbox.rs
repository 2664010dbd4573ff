use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::dev::outbox;

/// Local development only: the emails PayTrack would have sent, newest first.
#[component]
pub fn DevOutbox() -> impl IntoView {
    let emails = Resource::new(|| (), |_| outbox());
    let (open, set_open) = signal(None::<String>);

    view! {
        <Title text="Dev outbox" />
        <section class="page outbox">
            <h1>"Dev outbox"</h1>
            <p class="muted">"No email provider is configured, so PayTrack keeps its emails here instead of sending them."</p>
            <button type="button" class="button button-secondary" on:click=move |_| emails.refetch()>"Refresh"</button>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    emails.await.map(|emails| {
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
                                                    <iframe title="Email (HTML)" sandbox="" srcdoc=email.html.clone()></iframe>
                                                    <pre class="outbox-text">{email.text.clone()}</pre>
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
