//! The editor's running totals, from the same `preview` that gives each line its amount.

use leptos::prelude::*;

use crate::domain::invoice::Totals;
use crate::domain::money::Money;

#[component]
pub(super) fn LiveTotals(preview: Memo<Option<(Totals, Vec<Option<Money>>)>>) -> impl IntoView {
    move || {
        match preview.get() {
        Some((totals, _)) => view! {
            <dl>
                <dt>"Subtotal"</dt><dd data-testid="subtotal">{totals.subtotal.to_string()}</dd>
                <dt>"Discount"</dt><dd data-testid="discount">{discounted(totals.discount)}</dd>
                <dt>"Tax"</dt><dd data-testid="tax">{totals.tax.to_string()}</dd>
                <dt class="grand">"Total"</dt><dd class="grand" data-testid="total">{totals.total.to_string()}</dd>
            </dl>
        }.into_any(),
        None => view! { <p class="muted">"Pick a currency to see totals."</p> }.into_any(),
    }
    }
}

/// A discount subtracts: "−$20.00", but no discount is "$0.00", not a negative zero.
fn discounted(discount: Money) -> String {
    if discount.minor() > 0 {
        format!("−{discount}")
    } else {
        discount.to_string()
    }
}
