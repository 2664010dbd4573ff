//! The editor's line items: one row per line (description, quantity, unit price, its amount
//! from the live preview), moved with the arrow buttons, removed, or added up to the limit.

use leptos::prelude::*;

use crate::domain::invoice::Totals;
use crate::domain::invoice_draft::{InvoiceErrors, LineErrors, LineInput, MAX_LINES};
use crate::domain::money::Money;
use crate::ui::browser;

/// One line of the editor; the key keeps each row's inputs stable while lines move.
#[derive(Clone, Copy)]
pub(super) struct LineRow {
    key: u64,
    description: RwSignal<String>,
    quantity: RwSignal<String>,
    unit_price: RwSignal<String>,
}

impl LineRow {
    pub(super) fn new(key: u64, line: LineInput) -> Self {
        LineRow {
            key,
            description: RwSignal::new(line.description),
            quantity: RwSignal::new(line.quantity),
            unit_price: RwSignal::new(line.unit_price),
        }
    }

    pub(super) fn input(&self) -> LineInput {
        LineInput {
            description: self.description.get(),
            quantity: self.quantity.get(),
            unit_price: self.unit_price.get(),
        }
    }
}

#[component]
pub(super) fn LinesEditor(
    lines: RwSignal<Vec<LineRow>>,
    next_key: StoredValue<u64>,
    errors: RwSignal<InvoiceErrors>,
    preview: Memo<Option<(Totals, Vec<Option<Money>>)>>,
) -> impl IntoView {
    let add_line = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        lines.update(|ls| {
            ls.push(LineRow::new(
                key,
                LineInput {
                    quantity: "1".to_string(),
                    ..Default::default()
                },
            ))
        });
        browser::focus(&format!("line-{key}-description"));
    };
    let move_line = move |key: u64, by: isize| {
        lines.update(|ls| {
            if let Some(from) = ls.iter().position(|l| l.key == key) {
                let to = from as isize + by;
                if to >= 0 && (to as usize) < ls.len() {
                    ls.swap(from, to as usize);
                }
            }
        });
        browser::focus(&format!(
            "line-{key}-{}",
            if by < 0 { "up" } else { "down" }
        ));
    };
    let remove_line = move |key: u64| {
        lines.update(|ls| ls.retain(|l| l.key != key));
        errors.update(|e| e.lines.clear());
    };
    let line_error = move |index: usize| -> LineErrors {
        errors.with(|e| e.lines.get(index).cloned().unwrap_or_default())
    };

    view! {
        <fieldset class="card lines-editor">
            <legend>"Line items"</legend>
            // The column heads, for wide screens; a phone stacks the fields, each under its own
            // caption (both are for the eye: each field's label names it for screen readers).
            <div class="line-head" aria-hidden="true">
                <span>"Description"</span><span>"Qty"</span><span>"Unit price"</span><span class="num">"Amount"</span><span></span>
            </div>
            <For each=move || lines.get() key=|line| line.key let:line>
                {
                    let key = line.key;
                    let index = move || lines.with(|ls| ls.iter().position(|l| l.key == key).unwrap_or(0));
                    let amount = move || preview.with(|p| p.as_ref().and_then(|(_, amounts)| amounts.get(index()).copied().flatten()).map(|m| m.to_string()).unwrap_or_default());
                    let id = move |field: &str| format!("line-{key}-{field}");
                    view! {
                        <div class="line" role="group" aria-label=move || format!("Line {}", index() + 1)>
                            <div>
                                <label class="visually-hidden" for=id("description")>{move || format!("Line {} description", index() + 1)}</label>
                                <span class="line-caption" aria-hidden="true">"Description"</span>
                                <input id=id("description") type="text" placeholder="What you did or sold" bind:value=line.description
                                    aria-invalid=move || line_error(index()).description.is_some().to_string() />
                                <p class="field-error">{move || line_error(index()).description}</p>
                            </div>
                            <div>
                                <label class="visually-hidden" for=id("quantity")>{move || format!("Line {} quantity", index() + 1)}</label>
                                <span class="line-caption" aria-hidden="true">"Quantity"</span>
                                <input id=id("quantity") type="text" inputmode="decimal" bind:value=line.quantity
                                    aria-invalid=move || line_error(index()).quantity.is_some().to_string() />
                                <p class="field-error">{move || line_error(index()).quantity}</p>
                            </div>
                            <div>
                                <label class="visually-hidden" for=id("price")>{move || format!("Line {} unit price", index() + 1)}</label>
                                <span class="line-caption" aria-hidden="true">"Unit price"</span>
                                <input id=id("price") type="text" inputmode="decimal" placeholder="0.00" bind:value=line.unit_price
                                    aria-invalid=move || line_error(index()).unit_price.is_some().to_string() />
                                <p class="field-error">{move || line_error(index()).unit_price}</p>
                            </div>
                            <output class="num line-amount" for=format!("{} {}", id("quantity"), id("price"))>{amount}</output>
                            <div class="line-tools">
                                <button type="button" id=id("up") class="icon-button" aria-label=move || format!("Move line {} up", index() + 1)
                                    disabled=move || index() == 0 on:click=move |_| move_line(key, -1)>"↑"</button>
                                <button type="button" id=id("down") class="icon-button" aria-label=move || format!("Move line {} down", index() + 1)
                                    disabled={move || index() + 1 >= lines.with(Vec::len)} on:click=move |_| move_line(key, 1)>"↓"</button>
                                <button type="button" class="icon-button" aria-label=move || format!("Remove line {}", index() + 1)
                                    disabled={move || lines.with(Vec::len) <= 1} on:click=move |_| remove_line(key)>"✕"</button>
                            </div>
                        </div>
                    }
                }
            </For>
            <button type="button" class="button button-secondary" on:click=add_line
                disabled={move || lines.with(Vec::len) >= MAX_LINES}>"Add line"</button>
        </fieldset>
    }
}
