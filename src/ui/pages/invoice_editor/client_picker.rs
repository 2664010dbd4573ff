//! Who the invoice is for: a picker of the user's active clients, a search when they have more
//! than the picker lists, and a new client added in place.

use leptos::prelude::*;

use crate::api::clients::{ClientChoice, ClientSummary, list_clients};
use crate::domain::client::ClientInput;
use crate::ui::browser;
use crate::ui::components::client_form::ClientForm;
use crate::ui::components::search_box::SearchBox;

/// `clients` is what the picker offers, `listed` what it offered first (the user's first
/// thousand active clients by name); with `more`, a search above it offers the matching ones
/// instead, and the chosen client (`client_id`) stays offered whatever was searched.
#[component]
pub(super) fn ClientPicker(
    clients: RwSignal<Vec<ClientChoice>>,
    listed: Vec<ClientChoice>,
    more: bool,
    client_id: RwSignal<String>,
    /// What a new client starts in.
    currency: RwSignal<String>,
    error: Signal<Option<String>>,
    on_pick: Callback<String>,
) -> impl IntoView {
    let adding = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let found =
        Action::new(move |typed: &String| list_clients(typed.clone(), false, String::new()));
    let listed = StoredValue::new(listed);
    Effect::new(move |_| {
        let searched = !typed.with_untracked(|t| t.trim().is_empty());
        let matched = match found.value().get() {
            Some(Ok(page)) if searched && !page.clients.is_empty() => {
                page.clients.into_iter().map(ClientChoice::from).collect()
            }
            Some(Ok(_)) => listed.get_value(),
            _ => return,
        };
        let chosen = client_id.get_untracked();
        let kept = clients.with_untracked(|cs| cs.iter().find(|c| c.id == chosen).cloned());
        clients.set(match kept {
            Some(kept) if !matched.iter().any(|c| c.id == chosen) => {
                std::iter::once(kept).chain(matched).collect()
            }
            _ => matched,
        });
    });
    let search_status = move || {
        if found.pending().get() {
            return "Searching…".to_string();
        }
        if typed.with(|t| t.trim().is_empty()) {
            return "Client lists your first 1,000 clients by name: type here to find the others."
                .to_string();
        }
        match found.value().get() {
            Some(Ok(page)) => matches_found(page.clients.len(), page.next.is_some()),
            Some(Err(err)) => err.to_string(),
            None => String::new(),
        }
    };

    view! {
        <Show when=move || more>
            <div class="field client-finder">
                <SearchBox id="invoice-client-search" label="Find a client" placeholder="Name, company or email"
                    text=typed on_pause=move |text| { found.dispatch(text); } />
                <p class="muted small" role="status">{search_status}</p>
            </div>
        </Show>
        <div class="field">
            <label for="invoice-client">"Client"</label>
            <div class="inline">
                <select id="invoice-client" aria-invalid=move || error.get().is_some().to_string() aria-describedby="client-error"
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        if value == "__new" { adding.set(true); } else { on_pick.run(value); }
                    }>
                    <option value="" selected=move || client_id.get().is_empty()>"Choose a client…"</option>
                    <For each=move || clients.get() key=|c| c.id.clone() let:c>
                        {
                            let id = c.id.clone();
                            view! { <option value=c.id.clone() selected=move || client_id.get() == id>{c.name.clone()}{c.company.clone().map(|co| format!(" — {co}"))}</option> }
                        }
                    </For>
                    <option value="__new">"+ New client…"</option>
                </select>
                <button type="button" class="button button-secondary" on:click=move |_| adding.set(true)>"New client"</button>
            </div>
            <p id="client-error" class="field-error">{move || error.get()}</p>
        </div>
        <Show when=move || adding.get()>
            <div class="inline-client card" role="group" aria-label="New client">
                <h2 class="h3">"New client"</h2>
                <ClientForm initial=ClientInput { reminders: true, currency: currency.get_untracked(), ..Default::default() }
                    id_prefix="inline-client" compact=true
                    on_saved=Callback::new(move |summary: ClientSummary| {
                        let id = summary.id.clone();
                        clients.update(|cs| cs.push(summary.into()));
                        on_pick.run(id);
                        adding.set(false);
                        browser::focus("invoice-client");
                    })
                    on_cancel=Callback::new(move |_| adding.set(false)) />
            </div>
        </Show>
    }
}

/// What the client search found, for the picker beside it.
fn matches_found(count: usize, more: bool) -> String {
    match (count, more) {
        (0, _) => "No active client matches that: Client lists your first 1,000.".to_string(),
        (1, _) => "One client matches: choose them under Client.".to_string(),
        (count, false) => format!("{count} clients match: choose one under Client."),
        (count, true) => {
            format!("The first {count} that match are under Client: type more to narrow them.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::matches_found;

    #[test]
    fn the_search_says_how_many_matched_and_where_they_are() {
        assert!(matches_found(0, false).starts_with("No active client matches"));
        assert_eq!(
            matches_found(1, false),
            "One client matches: choose them under Client."
        );
        assert_eq!(
            matches_found(7, false),
            "7 clients match: choose one under Client."
        );
        assert!(matches_found(100, true).starts_with("The first 100 that match"));
    }
}
