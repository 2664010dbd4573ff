//! An invoice's reminders: where the chasing stands, pause / snooze / resume, and every email
//! of its life — sent, skipped (and why) or planned — with the rendered email a click away.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::reminders::{
    InvoiceReminders, ReplyView, TimelineItem, TimelineStatus, clear_promise, pause_reminders,
    resume_reminders, snooze_reminders,
};
use crate::domain::promise::{Outcome, PromiseView};

#[component]
pub fn ReminderTimeline(
    reminders: InvoiceReminders,
    /// The invoice's client, whose page switches their reminders on.
    client_id: String,
    refresh: Callback<()>,
) -> impl IntoView {
    let id = StoredValue::new(reminders.invoice_id.clone());
    let until = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let change = Action::new(move |what: &&'static str| {
        let what = *what;
        let id = id.get_value();
        let until = until.get_untracked();
        async move {
            match what {
                "pause" => pause_reminders(id).await,
                "resume" => resume_reminders(id).await,
                "clear-promise" => clear_promise(id).await,
                _ => snooze_reminders(id, until).await,
            }
        }
    });
    Effect::new(move |_| match change.value().get() {
        Some(Ok(_)) => {
            problem.set(None);
            refresh.run(());
        }
        Some(Err(err)) => problem.set(Some(err.to_string())),
        None => {}
    });
    let busy = move || change.pending().get();
    let tomorrow = reminders
        .today
        .add_days(1)
        .map(|d| d.to_string())
        .unwrap_or_default();
    let snooze = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if until.get_untracked().is_empty() {
            problem.set(Some("Pick the day reminders may start again.".to_string()));
        } else {
            change.dispatch("snooze");
        }
    };

    view! {
        <section class="card no-print reminders" aria-labelledby="reminders-title">
            <div class="card-head">
                <h2 id="reminders-title" class="h3">"Emails and reminders"</h2>
                <A href="/reminders">"Edit your reminder policy"</A>
            </div>
            <p class=format!("reminder-state state-{}", reminders.state) role="status" data-state=reminders.state.clone()>
                {reminders.summary.clone()}
                {(reminders.state == "off").then(|| view! {
                    " "<A href=format!("/clients/{client_id}")>"Open the client's page"</A>
                })}
            </p>
            <div class="button-row">
                {reminders.can_pause.then(|| view! {
                    <button type="button" class="button button-secondary" disabled=busy
                        on:click=move |_| { change.dispatch("pause"); }>"Pause reminders"</button>
                })}
                {reminders.can_resume.then(|| view! {
                    <button type="button" class="button" disabled=busy
                        on:click=move |_| { change.dispatch("resume"); }>"Resume reminders"</button>
                })}
                {reminders.can_snooze.then(|| view! {
                    <form class="form-inline snooze" on:submit=snooze novalidate>
                        <label for="snooze-until">"Snooze until"</label>
                        <input id="snooze-until" type="date" min=tomorrow bind:value=until />
                        <button type="submit" class="button button-secondary" disabled=busy>"Snooze"</button>
                    </form>
                })}
            </div>
            <p class="form-error" role="alert">{move || problem.get()}</p>
            {reminders.promise.clone().map(|promise| view! {
                <PromiseNote promise on_clear=Callback::new(move |_| { change.dispatch("clear-promise"); }) busy=Signal::derive(busy) />
            })}
            {(!reminders.replies.is_empty()).then(|| view! {
                <h3 class="h4">"What your client wrote"</h3>
                <ol class="replies" aria-label="Replies from your client, newest first">
                    {reminders.replies.clone().into_iter().map(|reply| view! { <ReplyEntry reply /> }).collect_view()}
                </ol>
            })}
            <ol class="timeline" aria-label=format!("Emails for this invoice, times in {}", reminders.time_zone)>
                {reminders.timeline.into_iter().map(|item| view! { <TimelineEntry item /> }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn TimelineEntry(item: TimelineItem) -> impl IntoView {
    let open = RwSignal::new(false);
    let status = item.status;
    let class = match status {
        TimelineStatus::Sent => "sent",
        TimelineStatus::Sending | TimelineStatus::Planned => "planned",
        TimelineStatus::Retrying => "retrying",
        TimelineStatus::Skipped => "skipped",
        TimelineStatus::Failed => "failed",
    };
    let has_email = !item.subject.is_empty();
    let subject = item.subject.clone();
    let html = item.html.clone();
    let text = item.text.clone();
    view! {
        <li class=format!("timeline-item timeline-{class}") data-step=item.step.clone() data-status=status.label()>
            <div class="timeline-when">{if item.when.is_empty() { "—".to_string() } else { item.when.clone() }}</div>
            <div class="timeline-body">
                <p class="timeline-title">
                    <strong>{item.label.clone()}</strong>
                    " "
                    <span class=format!("badge badge-{class}")>{status.label()}</span>
                </p>
                {(!item.note.is_empty()).then(|| view! { <p class="muted small">{item.note.clone()}</p> })}
                {item.email_id.clone().map(|id| view! { <p class="muted small email-id">"Email id " <code>{id}</code></p> })}
                {has_email.then(|| view! {
                    <button type="button" class="link-button" aria-expanded=move || open.get().to_string()
                        on:click=move |_| open.update(|o| *o = !*o)>
                        {move || if open.get() { "Hide the email" } else { "Show the email" }}
                    </button>
                    <Show when=move || open.get()>
                        <div class="email-preview">
                            <p><span class="muted">"Subject: "</span>{subject.clone()}</p>
                            <iframe title="The email as your client sees it" sandbox="" srcdoc=html.clone()></iframe>
                            <details>
                                <summary>"Plain-text version"</summary>
                                <pre class="outbox-text">{text.clone()}</pre>
                            </details>
                        </div>
                    </Show>
                })}
            </div>
        </li>
    }
}

/// One message the client sent back: who, when, what (as text; the HTML as sent a click away,
/// cleaned on the server and shown in a sandboxed frame).
#[component]
fn ReplyEntry(reply: ReplyView) -> impl IntoView {
    let open = RwSignal::new(false);
    let html = reply.html.clone();
    view! {
        <li class="reply" class:reply-automatic=reply.automatic>
            <p class="reply-head">
                <strong>{reply.from.clone()}</strong>
                " "
                <span class="muted small">{reply.when.clone()}</span>
                {reply.automatic.then(|| view! { " " <span class="badge badge-skipped">"Automatic reply"</span> })}
            </p>
            <p class="muted small">{reply.subject.clone()}</p>
            <blockquote class="reply-text">{reply.text.clone()}</blockquote>
            {html.map(|html| view! {
                <button type="button" class="link-button" aria-expanded=move || open.get().to_string()
                    on:click=move |_| open.update(|o| *o = !*o)>
                    {move || if open.get() { "Hide the message as sent" } else { "Show the message as sent" }}
                </button>
                <Show when=move || open.get()>
                    <iframe class="reply-html" title="The client's message as sent" sandbox="" srcdoc=html.clone()></iframe>
                </Show>
            })}
        </li>
    }
}

/// The client's promise to pay and what became of it, with the way to set it aside.
#[component]
fn PromiseNote(promise: PromiseView, on_clear: Callback<()>, busy: Signal<bool>) -> impl IntoView {
    let (class, said) = match promise.outcome {
        Outcome::Pending => (
            "promise promise-pending",
            format!(
                "Your client promised on {} to pay by {}.",
                promise.made_on.long(),
                promise.day.long()
            ),
        ),
        Outcome::Kept => (
            "promise promise-kept",
            format!(
                "Your client promised to pay by {} and did.",
                promise.day.long()
            ),
        ),
        Outcome::Broken => (
            "promise promise-broken",
            format!(
                "Your client promised to pay by {} and has not: the next reminder tells them the day passed.",
                promise.day.long()
            ),
        ),
    };
    let can_clear = promise.outcome != Outcome::Kept;
    view! {
        <div class=class data-outcome=format!("{:?}", promise.outcome).to_lowercase()>
            <p>{said}</p>
            {can_clear.then(|| view! {
                <button type="button" class="button button-secondary" disabled=move || busy.get()
                    on:click=move |_| on_clear.run(())>"Clear the promise"</button>
            })}
        </div>
    }
}
