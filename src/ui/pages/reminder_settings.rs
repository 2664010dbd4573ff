//! `/reminders`: the user's reminder policy — which days, what each email says — and the hour
//! they go out. Template mistakes come back per field from the server's parse.

use crate::ui::actions::failure_of;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::reminders::{
    ReminderSettingsForm, SettingsSave, get_reminder_settings, save_reminder_settings,
};
use crate::domain::promise::MAX_LIMIT_DAYS;
use crate::domain::reminder_policy::{PolicyErrors, StepErrors, StepInput};
use crate::domain::reminder_schedule::{SendHour, offset_label};
use crate::ui::components::signed_in::or_sign_in;

#[component]
pub fn ReminderSettings() -> impl IntoView {
    let settings = OnceResource::new_serde_wb(get_reminder_settings());
    view! {
        <Title text="Reminders" />
        <section class="page reminder-settings">
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading your reminders…"</p> }>
                {move || Suspend::new(async move {
                    or_sign_in(settings.await.map(|form| view! { <PolicyForm form /> }))
                })}
            </Transition>
        </section>
    }
}

/// One step being edited; `key` keeps its inputs in place while others move.
#[derive(Clone)]
struct Row {
    key: u32,
    offset: RwSignal<String>,
    subject: RwSignal<String>,
    body: RwSignal<String>,
}

fn rows_of(steps: &[StepInput], next_key: &mut u32) -> Vec<Row> {
    steps
        .iter()
        .map(|step| {
            *next_key += 1;
            Row {
                key: *next_key,
                offset: RwSignal::new(step.offset_days.clone()),
                subject: RwSignal::new(step.subject.clone()),
                body: RwSignal::new(step.body.clone()),
            }
        })
        .collect()
}

#[component]
fn PolicyForm(form: ReminderSettingsForm) -> impl IntoView {
    let mut next_key = 0;
    let rows = RwSignal::new(rows_of(&form.steps, &mut next_key));
    let next_key = StoredValue::new(next_key);
    let hour = RwSignal::new(form.send_hour.to_string());
    let promise_limit = RwSignal::new(form.promise_limit.to_string());
    let defaults = StoredValue::new(form.default_steps.clone());

    let save = Action::new(
        move |(hour, steps, limit): &(String, Vec<StepInput>, String)| {
            let (hour, steps, limit) = (hour.clone(), steps.clone(), limit.clone());
            async move { save_reminder_settings(hour, steps, Some(limit)).await }
        },
    );
    let limit_error = move || match save.value().get() {
        Some(Ok(SettingsSave::Invalid { promise_limit, .. })) => promise_limit,
        _ => None,
    };
    let errors = move || match save.value().get() {
        Some(Ok(SettingsSave::Invalid { policy, .. })) => policy,
        _ => PolicyErrors::default(),
    };
    let hour_error = move || match save.value().get() {
        Some(Ok(SettingsSave::Invalid { send_hour, .. })) => send_hour,
        _ => None,
    };
    let step_errors = move |key: u32| -> StepErrors {
        let index = rows.with(|rows| rows.iter().position(|r| r.key == key));
        index
            .and_then(|i| errors().each.get(i).cloned())
            .unwrap_or_default()
    };
    let saved = move || matches!(save.value().get(), Some(Ok(SettingsSave::Saved(_))));
    let failure = failure_of(save.value());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let steps = rows.with_untracked(|rows| {
            rows.iter()
                .map(|r| StepInput {
                    offset_days: r.offset.get_untracked(),
                    subject: r.subject.get_untracked(),
                    body: r.body.get_untracked(),
                })
                .collect::<Vec<_>>()
        });
        save.dispatch((hour.get_untracked(), steps, promise_limit.get_untracked()));
    };
    let add = move |_| {
        let last = rows.with_untracked(|rows| {
            rows.iter()
                .filter_map(|r| r.offset.get_untracked().trim().parse::<i32>().ok())
                .max()
        });
        let offset = last.map_or(0, |l| l + 7);
        let key = next_key.get_value() + 1;
        next_key.set_value(key);
        rows.update(|rows| {
            rows.push(Row {
                key,
                offset: RwSignal::new(offset.to_string()),
                subject: RwSignal::new("Invoice {{invoice_number}} is overdue".to_string()),
                body: RwSignal::new(
                    "Hi {{client_name}},\n\nInvoice {{invoice_number}} for {{amount_due}} is {{days_overdue}} days overdue. You can pay it here: {{pay_link}}\n\n{{sender_name}}"
                        .to_string(),
                ),
            })
        });
        // The new row is in the page after this frame.
        request_animation_frame(move || crate::ui::browser::focus(&format!("step-{key}-offset")));
    };
    let reset = move |_| {
        if crate::ui::browser::confirm(
            "Replace your reminders with PayTrack's defaults? Nothing changes until you save.",
        ) {
            let mut key = next_key.get_value();
            let fresh = rows_of(&defaults.get_value(), &mut key);
            next_key.set_value(key);
            rows.set(fresh);
        }
    };
    let hours: Vec<u8> = (SendHour::EARLIEST..=SendHour::LATEST).collect();

    view! {
        <div class="page-head">
            <h1>"Reminders"</h1>
        </div>
        <p class="lede">{format!(
            "PayTrack emails your clients about unpaid invoices on these days, from your name, with replies coming to you. Times are in your time zone, {}.",
            form.time_zone
        )}</p>
        <form class="form policy-form" on:submit=submit novalidate>
            <div class="field-narrow">
                <label for="send-hour">"Send reminders at"</label>
                <select id="send-hour" on:change=move |ev| hour.set(event_target_value(&ev))
                    aria-invalid=move || hour_error().is_some().to_string() aria-describedby="send-hour-error">
                    {hours.into_iter().map(|h| {
                        let value = h.to_string();
                        let selected = value.clone();
                        view! { <option value=value selected=move || hour.get() == selected>{format!("{h:02}:00")}</option> }
                    }).collect_view()}
                </select>
                <p id="send-hour-error" class="field-error">{hour_error}</p>
            </div>
            <div class="field-narrow">
                <label for="promise-limit">"Clients may promise to pay within (days)"</label>
                <input id="promise-limit" type="number" inputmode="numeric" min="1" max=MAX_LIMIT_DAYS.to_string()
                    bind:value=promise_limit aria-invalid=move || limit_error().is_some().to_string()
                    aria-describedby="promise-limit-help promise-limit-error" />
                <p id="promise-limit-help" class="muted small">"An invoice's page lets your client name the day they will pay, up to this many days ahead; reminders wait until the morning after."</p>
                <p id="promise-limit-error" class="field-error">{limit_error}</p>
            </div>
            <p class="form-error" role="alert">{move || errors().steps}</p>
            <ol class="policy-steps">
                <For each=move || rows.get() key=|row| row.key let:row>
                    <PolicyStep row=row.clone() errors=Signal::derive(move || step_errors(row.key))
                        on_remove=Callback::new(move |key| rows.update(|rows| rows.retain(|r| r.key != key))) />
                </For>
            </ol>
            {move || rows.with(Vec::is_empty).then(|| view! {
                <p class="empty">"No reminders: add one, or switch reminders off per client instead."</p>
            })}
            <div class="button-row">
                <button type="button" class="button button-secondary" on:click=add>"Add a reminder"</button>
                <button type="button" class="button button-secondary" on:click=reset>"Reset to defaults"</button>
            </div>
            <details class="variables">
                <summary>"Variables you can use in subjects and messages"</summary>
                <dl>
                    {form.variables.iter().map(|(name, meaning)| view! {
                        <dt><code>{format!("{{{{{name}}}}}")}</code></dt>
                        <dd>{meaning.clone()}</dd>
                    }).collect_view()}
                </dl>
            </details>
            <div class="button-row">
                <button type="submit" class="button" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save reminders" }}
                </button>
            </div>
            <p class="form-status" role="status">{move || saved().then_some("Saved. Open invoices follow the new reminders from now on.")}</p>
            <p class="form-error" role="alert">{failure}</p>
            <crate::ui::components::upgrade_link::UpgradeLink when=Signal::derive(move || crate::ui::components::upgrade_link::is_plan_limit(save.value().get())) />
        </form>
    }
}

#[component]
fn PolicyStep(row: Row, errors: Signal<StepErrors>, on_remove: Callback<u32>) -> impl IntoView {
    let key = row.key;
    let id = move |field: &str| format!("step-{key}-{field}");
    let offset = row.offset;
    let when = move || {
        offset
            .get()
            .trim()
            .parse::<i32>()
            .map(offset_label)
            .unwrap_or_else(|_| "Days from the due date".to_string())
    };
    view! {
        <li class="card policy-step">
            <fieldset>
                <legend>{when}</legend>
                <div class="field-narrow">
                    <label for=id("offset")>"Days from the due date"</label>
                    <input id=id("offset") type="number" min="-14" max="365" step="1" bind:value=row.offset
                        aria-invalid=move || errors.get().offset_days.is_some().to_string()
                        aria-describedby=format!("{} {}", id("offset-hint"), id("offset-error")) />
                    <p id=id("offset-hint") class="muted small">"−3 is three days before, 0 the due date, 7 a week after."</p>
                    <p id=id("offset-error") class="field-error">{move || errors.get().offset_days}</p>
                </div>
                <label for=id("subject")>"Subject"</label>
                <input id=id("subject") type="text" bind:value=row.subject
                    aria-invalid=move || errors.get().subject.is_some().to_string() aria-describedby=id("subject-error") />
                <p id=id("subject-error") class="field-error">{move || errors.get().subject}</p>
                <label for=id("body")>"Message"</label>
                <textarea id=id("body") rows="7" bind:value=row.body
                    aria-invalid=move || errors.get().body.is_some().to_string() aria-describedby=id("body-error")></textarea>
                <p id=id("body-error") class="field-error">{move || errors.get().body}</p>
                <button type="button" class="button button-secondary button-small" on:click=move |_| on_remove.run(key)>
                    "Remove this reminder"
                </button>
            </fieldset>
        </li>
    }
}
