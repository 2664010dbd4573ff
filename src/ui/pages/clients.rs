use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::clients::{
    ClientPage, ClientSummary, ImportRowView, import_clients, list_clients, new_client_form,
    preview_client_import,
};
use crate::domain::client::ClientInput;
use crate::domain::money::Currency;
use crate::domain::owing::Owing;
use crate::ui::browser;
use crate::ui::components::client_form::ClientForm;
use crate::ui::components::search_box::SearchBox;
use crate::ui::components::show_more::ShowMore;
use crate::ui::components::signed_in::or_sign_in;

/// `/clients`: who the user bills, with search and a form to add one (`?new=1` opens it).
#[component]
pub fn Clients() -> impl IntoView {
    view! {
        <Title text="Clients" />
        <ClientList />
    }
}

/// What the empty list says when archived clients are all there is.
fn archived_hidden(count: u64) -> String {
    let them = if count == 1 {
        "Your one client is archived".to_string()
    } else {
        format!("Your {count} clients are archived")
    };
    format!("{them}: show archived ones to see or restore them, or add a new client.")
}

#[component]
fn ClientList() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let adding = RwSignal::new(query.read_untracked().get("new").is_some());
    let importing = RwSignal::new(false);
    let search = RwSignal::new(String::new());
    let applied = RwSignal::new(String::new());
    let archived = RwSignal::new(false);
    let clients = Resource::new_serde_wb(
        move || (applied.get(), archived.get()),
        |(search, archived)| list_clients(search, archived, String::new()),
    );
    // The form starts in the user's usual currency, a database read most visits never need:
    // it is read when a pointer or the keyboard's focus first reaches a "New client" button, so
    // the form still opens at once, or with the page when it opens with the form (`?new=1`).
    let blank_wanted = RwSignal::new(adding.get_untracked());
    let want_blank = move || {
        if !blank_wanted.get_untracked() {
            blank_wanted.set(true);
        }
    };
    let blank = Resource::new_serde_wb(
        move || blank_wanted.get(),
        |wanted| async move {
            if wanted {
                new_client_form().await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    let open_form = move || {
        want_blank();
        adding.set(true);
    };
    let on_saved = Callback::new(move |summary: ClientSummary| {
        navigate(&format!("/clients/{}", summary.id), Default::default());
    });

    view! {
        <section class="page clients">
            <div class="page-head">
                <h1>"Clients"</h1>
                <div class="button-row">
                    <a class="button button-secondary list-tool" rel="external" download href="/clients/export.csv">"Export CSV"</a>
                    <button type="button" class="button button-secondary" on:click=move |_| importing.update(|open| *open = !*open)
                        aria-expanded=move || importing.get().to_string()>"Import CSV"</button>
                    <button type="button" class="button" on:click=move |_| open_form() aria-expanded=move || adding.get().to_string()
                        on:pointerenter=move |_| want_blank() on:focus=move |_| want_blank()>"New client"</button>
                </div>
            </div>
            <Show when=move || importing.get()>
                <Import on_done=Callback::new(move |_| { importing.set(false); clients.refetch(); }) />
            </Show>
            <Show when=move || adding.get()>
                <section class="card" aria-labelledby="new-client-title">
                    <h2 id="new-client-title">"New client"</h2>
                    <Suspense fallback=|| view! { <p class="muted" role="status">"Loading…"</p> }>
                        {move || Suspend::new(async move {
                            // Should it fail, the form still works, in dollars.
                            let initial = blank.await.ok().flatten().unwrap_or_else(|| ClientInput::blank(Currency::USD));
                            view! {
                                <ClientForm initial id_prefix="new-client"
                                    on_saved on_cancel=Callback::new(move |_| adding.set(false)) />
                            }
                        })}
                    </Suspense>
                </section>
            </Show>
            <div class="filters list-tool" role="search">
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
                    or_sign_in(clients.await.map(|first| {
                        if !first.clients.is_empty() {
                            let (search, archived) = (applied.get_untracked(), archived.get_untracked());
                            return view! { <ClientTable first search archived /> }.into_any();
                        }
                        let hidden = first.archived_hidden;
                        view! {
                            <div class="empty card" class:first-use={!searching && hidden == 0 && !archived.get_untracked()}>
                                {if searching {
                                    view! { <p>"No client matches that search."</p> }.into_any()
                                } else if hidden > 0 {
                                    view! {
                                        <h2>"Every client is archived"</h2>
                                        <p>{archived_hidden(hidden)}</p>
                                        <div class="button-row">
                                            <button type="button" class="button button-secondary" on:click=move |_| archived.set(true)>"Show archived"</button>
                                            <button type="button" class="button" on:click=move |_| open_form()
                                                on:pointerenter=move |_| want_blank() on:focus=move |_| want_blank()>"New client"</button>
                                        </div>
                                    }.into_any()
                                } else {
                                    view! {
                                        <h2>"No clients yet"</h2>
                                        <p>"Add the people and companies you bill. Each one keeps their email, currency and reminder preference, and their page shows what they owe."</p>
                                        <button type="button" class="button" on:click=move |_| open_form()
                                            on:pointerenter=move |_| want_blank() on:focus=move |_| want_blank()>"Add your first client"</button>
                                    }.into_any()
                                }}
                            </div>
                        }.into_any()
                    }))
                })}
            </Transition>
        </section>
    }
}

/// The list's first page, and the pages after it as the user asks for them.
#[component]
fn ClientTable(first: ClientPage, search: String, archived: bool) -> impl IntoView {
    let owing = StoredValue::new(first.owing);
    let later = RwSignal::new(Vec::<ClientSummary>::new());
    let next = RwSignal::new(first.next);
    let more =
        Action::new(move |after: &String| list_clients(search.clone(), archived, after.clone()));
    Effect::new(move |_| {
        if let Some(Ok(page)) = more.value().get() {
            // What they owe first: the new rows read it as they are drawn.
            owing.update_value(|owing| owing.extend(page.owing));
            later.update(|clients| clients.extend(page.clients));
            next.set(page.next);
        }
    });
    let row = move |c: ClientSummary| {
        let owes_now = owing.with_value(|all| {
            all.iter()
                .find(|(client, _)| *client == c.id)
                .map(|(_, owing)| owing.clone())
        });
        view! {
            <tr class:archived=c.archived>
                <td class="wraps">
                    <a href=format!("/clients/{}", c.id)>{c.name.clone()}</a>
                    {c.company.clone().map(|co| view! { <span class="muted">{format!(" — {co}")}</span> })}
                    {c.archived.then(|| view! { <span class="badge">"Archived"</span> })}
                    {c.email_problem.is_some().then(|| view! { <span class="status status-overdue">"Email failing"</span> })}
                </td>
                <td class="wraps" data-label="Email">{c.email.clone()}</td>
                <td class="num" data-label="Owes">{owes(owes_now)}</td>
                <td data-label="Currency">{c.currency.code()}</td>
                <td data-label="Reminders">{if c.reminders { "On" } else { "Off" }}</td>
            </tr>
        }
    };
    view! {
        <div class="table-wrap">
            <table class="data-table stacks">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col" class="num">"Owes"</th>
                        <th scope="col">"Currency"</th>
                        <th scope="col">"Reminders"</th>
                    </tr>
                </thead>
                <tbody>
                    // The first page is drawn once, as it came: Leptos runs a reactive closure
                    // twice when it renders on the server (once to find the resources it reads,
                    // once to write the HTML), so every row was built twice. Later pages follow.
                    {first.clients.into_iter().map(row).collect_view()}
                    <For each=move || later.get() key=|c| c.id.clone() let:c>
                        {row(c)}
                    </For>
                </tbody>
            </table>
        </div>
        <ShowMore next more label="Show more clients" />
    }
}

/// A client's "Owes" cell: each currency's amount, and a mark when some of it is overdue.
fn owes(owing: Option<Owing>) -> AnyView {
    match owing {
        None => view! { <span class="muted">"Nothing"</span> }.into_any(),
        Some(owing) => {
            let amounts = owing
                .owed
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            view! {
                {amounts}
                {owing.overdue.then(|| view! { " " <span class="status status-overdue">"Overdue"</span> })}
            }
            .into_any()
        }
    }
}

/// Clients from a CSV file: the file is read in the browser, every row checked on the server
/// (and shown with what is wrong or which address is taken), then the ready rows added.
#[component]
fn Import(on_done: Callback<()>) -> impl IntoView {
    let csv = RwSignal::new(String::new());
    let rows = RwSignal::new(None::<Vec<ImportRowView>>);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let added = RwSignal::new(None::<usize>);
    let choose = move |_| {
        busy.set(true);
        problem.set(None);
        rows.set(None);
        added.set(None);
        leptos::task::spawn_local(async move {
            match browser::read_chosen_file("import-file").await {
                Ok(text) => match preview_client_import(text.clone()).await {
                    Ok(preview) => {
                        csv.set(text);
                        rows.set(Some(preview));
                    }
                    Err(err) => problem.set(Some(err.to_string())),
                },
                Err(message) => problem.set(Some(message)),
            }
            busy.set(false);
        });
    };
    let ready = move || {
        rows.with(|rows| {
            rows.as_ref().map_or(0, |rows| {
                rows.iter()
                    .filter(|r| r.problem.is_none() && r.duplicate_of.is_none())
                    .count()
            })
        })
    };
    let import = move |_| {
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            match import_clients(csv.get_untracked()).await {
                Ok(count) => {
                    added.set(Some(count));
                    rows.set(None);
                    on_done.run(());
                }
                Err(err) => problem.set(Some(err.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card import" aria-labelledby="import-title">
            <h2 id="import-title">"Import clients from a CSV file"</h2>
            <p class="muted small">
                "The first line names the columns: " <code>"name"</code> " and " <code>"email"</code>
                " are needed; " <code>"company"</code>", "<code>"address"</code>", "<code>"country"</code>" (two letters), "
                <code>"tax_id"</code>", "<code>"currency"</code>" (USD when empty), "<code>"reminders"</code>" (yes/no) and "
                <code>"notes"</code>" are read when present, separated by commas, semicolons or tabs. A PayTrack export imports as it is. Nothing is saved until you confirm."
            </p>
            <label for="import-file">"CSV file"</label>
            <input id="import-file" type="file" accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values" on:change=choose disabled=move || busy.get() />
            <p class="field-error" role="alert">{move || problem.get()}</p>
            <p role="status" class="muted">{move || {
                if busy.get() { Some("Reading…".to_string()) } else { added.get().map(|n| format!("{n} client{} added.", if n == 1 { "" } else { "s" })) }
            }}</p>
            {move || rows.get().map(|list| view! {
                <div class="table-wrap">
                    <table class="import-preview">
                        <caption class="visually-hidden">"What each row of the file would do"</caption>
                        <thead><tr><th scope="col">"Line"</th><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Currency"</th><th scope="col">"Result"</th></tr></thead>
                        <tbody>
                            {list.into_iter().map(|row| {
                                let result = match (&row.problem, &row.duplicate_of) {
                                    (Some(why), _) => format!("Not imported: {why}"),
                                    (None, Some(address)) => format!("Skipped: a client already has {address}"),
                                    (None, None) => "Ready".to_string(),
                                };
                                let class = if row.problem.is_some() { "import-bad" } else if row.duplicate_of.is_some() { "muted" } else { "" };
                                view! {
                                    <tr class=class>
                                        <td>{row.line}</td>
                                        <td class="wraps">{row.name}</td>
                                        <td class="wraps">{row.emails}</td>
                                        <td>{row.currency}</td>
                                        <td>{result}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <div class="form-actions">
                    <button type="button" class="button" on:click=import disabled=move || busy.get() || ready() == 0>
                        {move || format!("Import {} client{}", ready(), if ready() == 1 { "" } else { "s" })}
                    </button>
                </div>
            })}
        </section>
    }
}
