//! One invoice as table cells, shared by the invoice list and a client's history.

use leptos::prelude::*;

use crate::api::invoices::InvoiceRow;
use crate::ui::components::status_badge::StatusBadge;

/// Number (linked), client (optional), dates, total, amount due and status.
#[component]
pub fn InvoiceCells(
    row: InvoiceRow,
    #[prop(optional)] with_client: bool,
    /// The row itself takes keyboard focus (and Enter opens it), so the link skips the tab order.
    #[prop(optional)]
    in_focusable_row: bool,
) -> impl IntoView {
    // The classes and labels lay a row out as a card on phones (`.stacks` in main.css). Plain
    // links: the router still follows them without a reload, and a row never points at the
    // page it is on, so `<A>`'s active-link tracking would be work for nothing, row by row.
    view! {
        <td class="cell-number">
            <a href=format!("/invoices/{}", row.id) tabindex=in_focusable_row.then_some("-1")>{row.number.clone()}</a>
        </td>
        {with_client.then(|| view! {
            <td class="cell-client wraps">
                <a href=format!("/clients/{}", row.client_id) tabindex=in_focusable_row.then_some("-1")>{row.client_name.clone()}</a>
            </td>
        })}
        <td class="cell-issued" data-label="Issued">{row.issue_date.to_string()}</td>
        <td class="cell-due-date" data-label="Due">{row.due_date.to_string()}</td>
        <td class="num cell-total" data-label="Total">{row.total.to_string()}</td>
        <td class="num cell-owed" data-label="Amount due">{row.due.to_string()}</td>
        <td class="cell-status"><StatusBadge status=row.status overdue=row.overdue /></td>
    }
}
