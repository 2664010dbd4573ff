//! A client's record drawn on their page: each invoice they paid last with a bar as long as it
//! was late, coloured as the dashboard colours outstanding money of that age. Rows of a table
//! (what screen readers read) with the bar drawn in each, as the aging chart does, so the words
//! keep their size on a phone.

use leptos::prelude::*;

use crate::domain::aging::bucket_of;
use crate::domain::pay_habits::PaidInvoice;
use crate::ui::components::charts::{BarRow, bar_share};

#[component]
pub fn PaidRecord(paid: Vec<PaidInvoice>) -> impl IntoView {
    let latest = paid.iter().map(PaidInvoice::days_late).max().unwrap_or(0);
    view! {
        <figure class="chart">
            <table class="aging-bars paid-record" data-testid="paid-record">
                <caption class="visually-hidden">"The invoices they paid last, and how late"</caption>
                <thead class="visually-hidden">
                    <tr><th scope="col">"Invoice"</th><th scope="col">"Lateness"</th><th scope="col">"Paid"</th></tr>
                </thead>
                <tbody>
                    {paid.into_iter().map(|invoice| {
                        let share = bar_share(invoice.days_late(), latest);
                        // On time is a dot, so every row shows it was drawn.
                        let width = format!("max(0.5rem, {share}%)");
                        view! {
                            <BarRow age=bucket_of(invoice.due, invoice.paid_on) label=invoice.number.clone() width>
                                {invoice.timing()}
                                <span class="muted small">{invoice.paid_on.long()}</span>
                            </BarRow>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </figure>
    }
}
