//! The invoice as a document: what the client sees on their page and what prints on A4 or
//! Letter. Only the invoice's own content appears here.

use leptos::prelude::*;

use crate::api::invoices::InvoiceDocument;
use crate::ui::components::status_badge::StatusBadge;

#[component]
pub fn InvoicePaper(document: InvoiceDocument) -> impl IntoView {
    let totals = document.totals;
    let bill_to = document.bill_to.clone();
    view! {
        <article class="paper" aria-label=format!("Invoice {}", document.number)>
            <header class="paper-head">
                <div>
                    <p class="paper-from"><strong>{document.from_name.clone()}</strong><br />{document.from_email.clone()}</p>
                </div>
                <div class="paper-title">
                    <h2>"Invoice " <span class="paper-number">{document.number.clone()}</span></h2>
                    <StatusBadge status=document.status overdue=document.overdue />
                </div>
            </header>

            <section class="paper-meta">
                <div>
                    <h3>"Bill to"</h3>
                    <p>
                        <strong>{bill_to.name.clone()}</strong>
                        {bill_to.company.clone().map(|c| view! { <br />{c} })}
                        {bill_to.address.clone().map(|a| view! { <br /><span class="pre">{a}</span> })}
                        {bill_to.emails.first().cloned().map(|e| view! { <br />{e} })}
                    </p>
                </div>
                <dl>
                    <dt>"Issued"</dt><dd>{document.issue_date.to_string()}</dd>
                    <dt>"Due"</dt>
                    <dd>
                        {document.due_date.to_string()}
                        {(document.days_overdue > 0).then(|| view! {
                            <span class="overdue-note">{format!(" · {} days overdue", document.days_overdue)}</span>
                        })}
                    </dd>
                    <dt>"Amount due"</dt><dd class="paper-due">{totals.due.to_string()}</dd>
                </dl>
            </section>

            <table class="lines">
                <thead>
                    <tr>
                        <th scope="col">"Description"</th>
                        <th scope="col" class="num">"Qty"</th>
                        <th scope="col" class="num">"Unit price"</th>
                        <th scope="col" class="num">"Amount"</th>
                    </tr>
                </thead>
                <tbody>
                    {document.lines.iter().map(|line| view! {
                        <tr>
                            <td>{line.description.clone()}</td>
                            <td class="num">{line.quantity.clone()}</td>
                            <td class="num">{line.unit_price.to_string()}</td>
                            <td class="num">{line.amount.to_string()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>

            <table class="totals">
                <tbody>
                    <tr><th scope="row">"Subtotal"</th><td class="num">{totals.subtotal.to_string()}</td></tr>
                    {document.discount_label.clone().map(|label| view! {
                        <tr><th scope="row">{label}</th><td class="num">{format!("−{}", totals.discount)}</td></tr>
                    })}
                    {document.tax_label.clone().map(|label| view! {
                        <tr><th scope="row">{label}</th><td class="num">{totals.tax.to_string()}</td></tr>
                    })}
                    <tr class="grand"><th scope="row">"Total"</th><td class="num">{totals.total.to_string()}</td></tr>
                    {(totals.paid.minor() > 0).then(|| view! {
                        <tr><th scope="row">"Paid"</th><td class="num">{format!("−{}", totals.paid)}</td></tr>
                        <tr class="grand"><th scope="row">"Amount due"</th><td class="num">{totals.due.to_string()}</td></tr>
                    })}
                </tbody>
            </table>

            {document.notes.clone().map(|notes| view! {
                <section class="paper-notes"><h3>"Notes"</h3><p class="pre">{notes}</p></section>
            })}

            {(!document.payments.is_empty()).then(|| view! {
                <section class="paper-payments">
                    <h3>"Payments received"</h3>
                    <ul>
                        {document.payments.iter().map(|p| view! {
                            <li>{format!("{} — {} by {}", p.date, p.amount, p.method.to_lowercase())}</li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
        </article>
    }
}
