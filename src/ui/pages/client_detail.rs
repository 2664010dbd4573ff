use crate::ui::actions::failure_of;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::clients::{ClientDetail as Detail, archive_client, get_client};
use crate::ui::components::client_form::ClientForm;
use crate::ui::components::invoice_cells::InvoiceCells;
use crate::ui::components::paid_record::PaidRecord;
use crate::ui::components::signed_in::or_sign_in;

/// `/clients/:id`: a client's details, what they owe, and their invoices.
#[component]
pub fn ClientDetail() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    view! {
        <Title text="Client" />
        <ClientScreen id />
    }
}

#[component]
fn ClientScreen(id: Memo<String>) -> impl IntoView {
    let version = RwSignal::new(0_u32);
    let client =
        Resource::new_serde_wb(move || (id.get(), version.get()), |(id, _)| get_client(id));
    let refresh = Callback::new(move |_| version.update(|v| *v += 1));
    view! {
        <section class="page client-detail">
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading the client…"</p> }>
                {move || Suspend::new(async move {
                    or_sign_in(client.await.map(|detail| view! { <ClientBody detail refresh /> }))
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ClientBody(detail: Detail, refresh: Callback<()>) -> impl IntoView {
    let editing = RwSignal::new(false);
    let summary = detail.summary.clone();
    let id = StoredValue::new(summary.id.clone());
    // Optimistic: the button flips at once; the page reloads from the server when it lands.
    let archived = RwSignal::new(summary.archived);
    let archive = Action::new(move |to: &bool| {
        let to = *to;
        async move { archive_client(id.get_value(), to).await }
    });
    Effect::new(move |_| match archive.value().get() {
        Some(Ok(_)) => refresh.run(()),
        Some(Err(_)) => archived.set(summary.archived),
        None => {}
    });
    let failure = failure_of(archive.value());
    let name = detail.summary.name.clone();
    let client_id = detail.summary.id.clone();
    let edit_input = detail.input.clone();
    let many = detail.invoices.len() >= 100;

    view! {
        <Title text=name.clone() />
        <div class="page-head">
            <h1>{name} {detail.summary.company.clone().map(|c| view! { <span class="muted h-sub">{format!(" · {c}")}</span> })}</h1>
            <div class="button-row">
                <A href=format!("/invoices/new?client={}", detail.summary.id) attr:class="button">"New invoice"</A>
                <button type="button" class="button button-secondary" aria-expanded=move || editing.get().to_string()
                    on:click=move |_| editing.update(|e| *e = !*e)>"Edit"</button>
                <button type="button" class="button button-secondary" disabled=move || archive.pending().get()
                    on:click=move |_| { let to = !archived.get_untracked(); archived.set(to); archive.dispatch(to); }>
                    {move || if archived.get() { "Restore" } else { "Archive" }}
                </button>
            </div>
        </div>
        <p class="form-error" role="alert">{failure}</p>
        {detail.summary.email_problem.clone().map(|problem| view! {
            <p class="notice notice-warning" role="alert" data-testid="email-problem">{problem}</p>
        })}
        <Show when=move || archived.get()>
            <p class="notice">"Archived: hidden from lists and the invoice editor. Existing invoices are unchanged."</p>
        </Show>

        <Show when=move || editing.get()>
            <section class="card" aria-label="Edit client">
                <ClientForm initial=edit_input.clone() client_id=client_id.clone() id_prefix="edit-client"
                    on_saved=Callback::new(move |_| { editing.set(false); refresh.run(()); })
                    on_cancel=Callback::new(move |_| editing.set(false)) />
            </section>
        </Show>

        <div class="chart-grid-2">
            <section class="card" aria-labelledby="client-details-title">
                <h2 id="client-details-title" class="h3">"Details"</h2>
                <dl class="details">
                    <dt>"Email"</dt><dd>{detail.emails.join(", ")}</dd>
                    <dt>"Currency"</dt><dd>{detail.summary.currency.code()}</dd>
                    <dt>"Reminders"</dt><dd>{if detail.summary.reminders { "On" } else { "Off" }}</dd>
                    {detail.address.clone().map(|a| view! { <dt>"Address"</dt><dd class="pre">{a}</dd> })}
                    {detail.notes.clone().map(|n| view! { <dt>"Notes"</dt><dd class="pre">{n}</dd> })}
                </dl>
            </section>
            <section class="card" aria-labelledby="balance-title">
                <h2 id="balance-title" class="h3">"Balance owed"</h2>
                {if detail.balances.is_empty() {
                    view! { <p class="stat-value" data-testid="client-balance">"Nothing owed"</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list">
                            {detail.balances.iter().map(|b| view! { <li class="stat-value" data-testid="client-balance">{b.to_string()}</li> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <section class="card client-habits" aria-labelledby="habits-title">
                <h2 id="habits-title" class="h3">"How they pay"</h2>
                <p data-testid="client-lateness">{detail.habits.lateness()}</p>
                {(!detail.paid.is_empty()).then(|| view! { <PaidRecord paid=detail.paid.clone() /> })}
                {detail.habits.promises_kept().map(|kept| view! { <p data-testid="client-promises">{kept}</p> })}
                {detail.habits.written_off_text().map(|text| view! { <p data-testid="client-written-off">{text}</p> })}
                {(detail.habits.promises.pending > 0).then(|| view! {
                    <p class="muted small">{match detail.habits.promises.pending {
                        1 => "1 promise to pay is still to come.".to_string(),
                        n => format!("{n} promises to pay are still to come."),
                    }}</p>
                })}
                {match detail.last_reply.clone() {
                    Some(reply) => view! {
                        <figure class="last-reply">
                            <figcaption class="muted small">{format!("Last reply, {} (invoice {})", reply.when, reply.invoice_number)}</figcaption>
                            <blockquote class="pre">{reply.excerpt}</blockquote>
                        </figure>
                    }.into_any(),
                    None => view! { <p class="muted small">"No replies from this client yet."</p> }.into_any(),
                }}
            </section>
        </div>

        <section class="card" aria-labelledby="history-title">
            <h2 id="history-title" class="h3">"Invoices"</h2>
            {if detail.invoices.is_empty() {
                view! { <p class="muted">"No invoices for this client yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="data-table stacks">
                            <thead><tr>
                                <th scope="col">"Number"</th><th scope="col">"Issued"</th><th scope="col">"Due"</th>
                                <th scope="col" class="num">"Total"</th><th scope="col" class="num">"Amount due"</th><th scope="col">"Status"</th>
                            </tr></thead>
                            <tbody>
                                {detail.invoices.into_iter().map(|row| view! {
                                    <tr class="invoice-row"><InvoiceCells row /></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    {many.then(|| view! {
                        <A href=format!("/invoices?client={}", detail.summary.id)>"All of this client's invoices"</A>
                    })}
                }.into_any()
            }}
        </section>
    }
}
