//! An invoice's status as a coloured label; overdue is shown in place of open.

use leptos::prelude::*;

use crate::domain::status::InvoiceStatus;

#[component]
pub fn StatusBadge(status: InvoiceStatus, #[prop(optional)] overdue: bool) -> impl IntoView {
    let (class, label) = if overdue {
        ("status status-overdue", "Overdue")
    } else {
        let class = match status {
            InvoiceStatus::Draft => "status status-draft",
            InvoiceStatus::Open => "status status-open",
            InvoiceStatus::PartiallyPaid => "status status-partial",
            InvoiceStatus::Paid => "status status-paid",
            InvoiceStatus::Void => "status status-void",
            InvoiceStatus::WrittenOff => "status status-written-off",
        };
        (class, status.label())
    };
    view! { <span class=class>{label}</span> }
}
