//! The invoice as a document: what the client sees on their page and what prints on A4 or
//! Letter. Only the invoice's own content appears here.

use leptos::prelude::*;

use crate::api::invoices::InvoiceDocument;
use crate::domain::date::CalendarDate;
use crate::ui::components::status_badge::StatusBadge;

#[component]
pub fn InvoicePaper(document: InvoiceDocument) -> impl IntoView {
    let totals = document.totals;
    let bill_to = document.bill_to.clone();
    let from = document.from.clone();
    view! {
        <article class="paper" aria-label=format!("Invoice {}", document.number)>
            <header class="paper-head">
                <div class="paper-seller">
                    {from.logo_url.clone().map(|url| view! {
                        <img class="paper-logo" src=url alt=format!("{} logo", from.name) />
                    })}
                    <p class="paper-from">
                        <strong>{from.legal_name.clone().unwrap_or_else(|| from.name.clone())}</strong>
                        {from.legal_name.is_some().then(|| view! { <br />{from.name.clone()} })}
                        {from.address.clone().map(|a| view! { <br /><span class="pre">{a}</span> })}
                        {from.country.clone().map(|c| view! { <br />{c} })}
                        {from.tax_id.clone().map(|id| view! { <br />{format!("Tax ID: {id}")} })}
                        <br />{from.email.clone()}
                        {from.phone.clone().map(|p| view! { <br />{p} })}
                    </p>
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
                        {bill_to.country.clone().map(|c| view! { <br />{c} })}
                        {bill_to.tax_id.clone().map(|id| view! { <br />{format!("Tax ID: {id}")} })}
                        {bill_to.emails.first().cloned().map(|e| view! { <br />{e} })}
                    </p>
                </div>
                <dl>
                    <dt>"Issued"</dt><dd><Day date=document.issue_date /></dd>
                    <dt>"Due"</dt>
                    <dd>
                        <Day date=document.due_date />
                        {(document.days_overdue > 0).then(|| view! {
                            <span class="overdue-note">{format!(" · {} days overdue", document.days_overdue)}</span>
                        })}
                    </dd>
                    {document.service_period.map(|period| view! {
                        <dt>{period.label()}</dt>
                        <dd>
                            <Day date=period.first />
                            {period.ends().map(|last| view! { " to " <Day date=last /> })}
                        </dd>
                    })}
                    {document.credit_note.clone().map(|note| view! {
                        <dt>"Cancelled by"</dt>
                        <dd>{format!("Credit note {} of ", note.number)}<Day date=note.issued_on /></dd>
                    })}
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
                    {document.taxes.iter().map(|tax| view! {
                        <tr><th scope="row">{tax.label.clone()}</th><td class="num">{tax.amount.to_string()}</td></tr>
                    }).collect_view()}
                    <tr class="grand"><th scope="row">"Total"</th><td class="num">{totals.total.to_string()}</td></tr>
                    {(totals.paid.minor() > 0).then(|| view! {
                        <tr><th scope="row">"Paid"</th><td class="num">{format!("−{}", totals.paid)}</td></tr>
                    })}
                    {document.reductions.iter().filter_map(|note| note.reduces.as_ref().map(|reduces| view! {
                        <tr class="credited"><th scope="row">{format!("Credit note {}", note.number)}</th><td class="num">{format!("−{}", reduces.amount)}</td></tr>
                    })).collect_view()}
                    {(totals.paid.minor() > 0 || totals.credited.minor() > 0).then(|| view! {
                        <tr class="grand"><th scope="row">"Amount due"</th><td class="num">{totals.due.to_string()}</td></tr>
                    })}
                </tbody>
            </table>

            {document.reverse_charge.clone().map(|note| view! {
                <p class="paper-legal">{note}</p>
            })}

            {document.notes.clone().map(|notes| view! {
                <section class="paper-notes"><h3>"Notes"</h3><p class="pre">{notes}</p></section>
            })}

            {document.payment_instructions.clone().map(|how| view! {
                <section class="paper-notes" id="how-to-pay">
                    <h3>{if document.pay_url.is_some() { "Or pay by bank transfer" } else { "How to pay" }}</h3>
                    <p class="pre">{how}</p>
                </section>
            })}

            {(!document.payments.is_empty()).then(|| view! {
                <section class="paper-payments">
                    <h3>"Payments received"</h3>
                    <ul>
                        {document.payments.iter().map(|p| view! {
                            <li>{p.line()}</li>
                        }).collect_view()}
                    </ul>
                </section>
            })}

            {document.footer.clone().map(|footer| view! {
                <footer class="paper-footer"><p class="pre">{footer}</p></footer>
            })}
        </article>
    }
}

/// A date as the PDF prints it, marked up as a date (`<time datetime>`), so software reading
/// the page (a translation tool, a calendar extension) need not guess.
#[component]
fn Day(date: CalendarDate) -> impl IntoView {
    let text = date.to_string();
    let datetime = text.clone();
    view! { <time datetime=datetime>{text}</time> }
}
