use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::clients::{ClientSummary, list_clients};
use crate::domain::client::ClientInput;
use crate::ui::components::client_form::ClientForm;
use crate::ui::components::search_box::SearchBox;
use crate::ui::components::signed_in::or_sign_in;

/// `/clients`: who the user bills, with search and a form to add one (`?new=1` opens it).
#[component]
pub fn Clients() -> impl IntoView {
    view! {
        <Title text="Clients" />
        <ClientList />
    }
}

#[component]
fn ClientList() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let adding = RwSignal::new(query.read_untracked().get("new").is_some());
    let search = RwSignal::new(String::new());
    let applied = RwSignal::new(String::new());
    let archived = RwSignal::new(false);
    let clients = Resource::new(
        move || (applied.get(), archived.get()),
        |(search, archived)| list_clients(search, archived),
    );
    let on_saved = Callback::new(move |summary: ClientSummary| {
        navigate(&format!("/clients/{}", summary.id), Default::default());
    });

    view! {
        <section class="page clients">
            <div class="page-head">
                <h1>"Clients"</h1>
                <button type="button" class="button" on:click=move |_| adding.set(true) aria-expanded=move || adding.get().to_string()>"New client"</button>
            </div>
            <Show when=move || adding.get()>
                <section class="card" aria-labelledby="new-client-title">
                    <h2 id="new-client-title">"New client"</h2>
                    <ClientForm initial=ClientInput { reminders: true, ..Default::default() } id_prefix="new-client"
                        on_saved on_cancel=Callback::new(move |_| adding.set(false)) />
                </section>
            </Show>
            <div class="filters" role="search">
                <SearchBox id="client-search" placeholder="Name, company or email" text=search
                    on_pause=move |typed| applied.set(typed) />
                <label class="checkbox filter">
                    <input type="checkbox" prop:checked=move || archived.get() on:change=move |ev| archived.set(event_target_checked(&ev)) />
                    <span>"Show archived"</span>
                </label>
            </div>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading clients…"</p> }>
                {move || Suspend::new(async move {
                    let searching = !applied.get_untracked().is_empty();
                    or_sign_in(clients.await.map(|clients| {
                        if clients.is_empty() {
                            return view! {
                                <div class="empty card">
                                    {if searching {
                                        view! { <p>"No client matches that search."</p> }.into_any()
                                    } else {
                                        view! {
                                            <h2>"No clients yet"</h2>
                                            <p>"Add the people and companies you bill. Each one keeps their email, currency and reminder preference, and their page shows what they owe."</p>
                                            <button type="button" class="button" on:click=move |_| adding.set(true)>"Add your first client"</button>
                                        }.into_any()
                                    }}
                                </div>
                            }.into_any();
                        }
                        view! {
                            <div class="table-wrap">
                                <table class="data-table">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Name"</th>
                                            <th scope="col">"Email"</th>
                                            <th scope="col">"Currency"</th>
                                            <th scope="col">"Reminders"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {clients.into_iter().map(|c| view! {
                                            <tr class:archived=c.archived>
                                                <td>
                                                    <A href=format!("/clients/{}", c.id)>{c.name.clone()}</A>
                                                    {c.company.clone().map(|co| view! { <span class="muted">{format!(" — {co}")}</span> })}
                                                    {c.archived.then(|| view! { <span class="badge">"Archived"</span> })}
                                                    {c.email_problem.is_some().then(|| view! { <span class="status status-overdue">"Email failing"</span> })}
                                                </td>
                                                <td>{c.email.clone()}</td>
                                                <td>{c.currency.code()}</td>
                                                <td>{if c.reminders { "On" } else { "Off" }}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()
                    }))
                })}
            </Transition>
        </section>
    }
}
