//! The invoice list's table: rows with selection for bulk send and void, sortable headers,
//! keyboard moves between rows, "load more", and the empty states.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api::invoices::{InvoicePage, InvoiceRow, PayWay, list_invoices, pay_way_now};
use crate::domain::bulk::BulkAction;
use crate::domain::invoice::invoices_counted;
use crate::domain::invoice_list::{ListParams, SortKey};
use crate::domain::status::InvoiceStatus;
use crate::error::AppError;
use crate::ui::browser;
use crate::ui::components::invoice_cells::InvoiceCells;
use crate::ui::components::show_more::ShowMore;

#[component]
pub(super) fn InvoiceTable(
    first: InvoicePage,
    params: ListParams,
    bulk: Action<(Vec<String>, BulkAction), Result<String, AppError>>,
    sort_by: Callback<SortKey>,
) -> impl IntoView {
    let navigate = use_navigate();
    let first_rows = StoredValue::new(first.rows);
    let extra = RwSignal::new(Vec::<InvoiceRow>::new());
    let next = RwSignal::new(first.next);
    let selected = RwSignal::new(BTreeSet::<String>::new());
    let rows = move || {
        first_rows.with_value(|rows| rows.iter().cloned().chain(extra.get()).collect::<Vec<_>>())
    };
    let filtered = params != ListParams::default();
    let query = params.parse().ok();
    let (sort, descending) = query
        .as_ref()
        .map(|q| (q.sort, q.descending))
        .unwrap_or((SortKey::Number, true));

    let more = Action::new(move |after: &String| {
        let mut params = params.clone();
        params.after = after.clone();
        list_invoices(params)
    });
    Effect::new(move |_| {
        if let Some(Ok(page)) = more.value().get() {
            extra.update(|rows| rows.extend(page.rows));
            next.set(page.next);
        }
    });

    let run_bulk = move |action: BulkAction| {
        let ids: Vec<String> = selected.get_untracked().into_iter().collect();
        match action {
            BulkAction::Void => {
                if browser::confirm(&format!(
                    "Void {}? Voided invoices can't be reopened.",
                    invoices_counted(u32::try_from(ids.len()).unwrap_or(u32::MAX))
                )) {
                    bulk.dispatch((ids, action));
                }
            }
            BulkAction::Send => {
                let drafts = untrack(rows)
                    .iter()
                    .filter(|row| row.status == InvoiceStatus::Draft && ids.contains(&row.id))
                    .count();
                let drafts = match drafts {
                    0 => {
                        bulk.dispatch((ids, action));
                        return;
                    }
                    1 => "1 draft".to_string(),
                    n => format!("{n} drafts"),
                };
                // A draft's own page says how its client will pay; drafts sent from the list
                // are asked about here instead, when the answer is "no way".
                leptos::task::spawn_local(async move {
                    let remedy = pay_way_now().await.ok().and_then(PayWay::remedy);
                    let go = remedy.is_none_or(|remedy| {
                        browser::confirm(&format!(
                            "Your clients won't see a way to pay: {remedy}. \
                             Send {drafts} anyway?"
                        ))
                    });
                    if go {
                        bulk.dispatch((ids, action));
                    }
                });
            }
        }
    };
    let header = move |key: SortKey, label: &'static str, numeric: bool| {
        let active = key == sort;
        let aria = if !active {
            "none"
        } else if descending {
            "descending"
        } else {
            "ascending"
        };
        let arrow = if !active {
            ""
        } else if descending {
            " ↓"
        } else {
            " ↑"
        };
        view! {
            <th scope="col" aria-sort=aria class:num=numeric>
                <button type="button" class="sort" on:click=move |_| sort_by.run(key)>{label}{arrow}</button>
            </th>
        }
    };

    let on_row_key = move |ev: leptos::ev::KeyboardEvent, index: usize, id: String| {
        if ev.target() != ev.current_target() {
            return;
        }
        match ev.key().as_str() {
            "ArrowDown" | "j" => {
                ev.prevent_default();
                browser::focus(&format!("invoice-row-{}", index + 1));
            }
            "ArrowUp" | "k" => {
                ev.prevent_default();
                if index > 0 {
                    browser::focus(&format!("invoice-row-{}", index - 1));
                } else {
                    browser::focus("invoice-search");
                }
            }
            "Enter" => navigate(&format!("/invoices/{id}"), Default::default()),
            " " | "x" => {
                ev.prevent_default();
                selected.update(|s| {
                    if !s.remove(&id) {
                        s.insert(id);
                    }
                });
            }
            _ => {}
        }
    };

    let first_count = first_rows.with_value(Vec::len);
    let row_view = move |(index, row): (usize, InvoiceRow)| {
        let overdue = row.overdue;
        let number = row.number.clone();
        let toggle_id = row.id.clone();
        let checked_id = row.id.clone();
        let key_id = row.id.clone();
        let on_row_key = on_row_key.clone();
        view! {
            <tr id=format!("invoice-row-{index}") tabindex="0" class="invoice-row selectable" class:overdue=overdue
                on:keydown=move |ev| on_row_key(ev, index, key_id.clone())>
                <td class="select">
                    <input type="checkbox" aria-label=format!("Select {number}")
                        prop:checked=move || selected.get().contains(&checked_id)
                        on:change=move |_| selected.update(|s| { if !s.remove(&toggle_id) { s.insert(toggle_id.clone()); } }) />
                </td>
                <InvoiceCells row with_client=true in_focusable_row=true />
            </tr>
        }
    };

    if first_rows.with_value(Vec::is_empty) {
        return view! {
            <div class="empty card" class:first-use={!filtered}>
                {if filtered {
                    view! {
                        <h2>"No invoices match"</h2>
                        <p>"Nothing fits these filters. Try another status or search, or clear them."</p>
                        <A href="/invoices" attr:class="button button-secondary">"Clear filters"</A>
                    }.into_any()
                } else {
                    view! {
                        <h2>"No invoices yet"</h2>
                        <p>"Write your first invoice: pick a client, add what you did, and PayTrack adds it up. Send it when it looks right — you can record payments as they arrive."</p>
                        <A href="/invoices/new" attr:class="button">"Write an invoice"</A>
                    }.into_any()
                }}
            </div>
        }
        .into_any();
    }

    view! {
        <div class="bulk-bar" role="region" aria-label="Selected invoices" class:active=move || !selected.get().is_empty()>
            <span>{move || format!("{} selected", selected.get().len())}</span>
            <button type="button" class="button" disabled=move || selected.get().is_empty() || bulk.pending().get()
                on:click=move |_| run_bulk(BulkAction::Send)>"Send selected"</button>
            <button type="button" class="button button-secondary" disabled=move || selected.get().is_empty() || bulk.pending().get()
                on:click=move |_| run_bulk(BulkAction::Void)>"Void selected"</button>
        </div>
        <p class="muted small keyboard-help">"Keyboard: ↑ ↓ move between invoices, Enter opens, Space selects, / searches."</p>
        <div class="table-wrap">
            <table class="data-table stacks sortable">
                <thead>
                    <tr>
                        <th scope="col" class="select">
                            <input type="checkbox" aria-label="Select all shown invoices"
                                prop:checked=move || { let all = rows(); !all.is_empty() && all.iter().all(|r| selected.get().contains(&r.id)) }
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    selected.set(if on { rows().into_iter().map(|r| r.id).collect() } else { BTreeSet::new() });
                                } />
                        </th>
                        {header(SortKey::Number, "Number", false)}
                        {header(SortKey::Client, "Client", false)}
                        {header(SortKey::IssueDate, "Issued", false)}
                        {header(SortKey::DueDate, "Due", false)}
                        {header(SortKey::Total, "Total", true)}
                        <th scope="col" class="num unsortable">"Amount due"</th>
                        <th scope="col" class="unsortable">"Status"</th>
                    </tr>
                </thead>
                <tbody>
                    // The first page is drawn once, as it came: Leptos runs a reactive closure
                    // twice when it renders on the server. Pages read later follow it.
                    {first_rows.with_value(|rows| rows.iter().cloned().enumerate().map(row_view.clone()).collect_view())}
                    {move || extra.get().into_iter().enumerate().map(|(index, row)| row_view((first_count + index, row))).collect_view()}
                </tbody>
            </table>
        </div>
        <ShowMore next more label="Show more" />
    }
    .into_any()
}
