use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::dashboard::{Dashboard as DashboardData, load_dashboard};
use crate::ui::components::charts::{AgingChart, CashChart};
use crate::ui::components::late_payers::LatePayers;
use crate::ui::components::signed_in::or_sign_in;
use crate::ui::components::status_badge::StatusBadge;

/// The home of a signed-in user: what is owed, how late, what came in, what is next.
#[component]
pub fn Dashboard() -> impl IntoView {
    view! {
        <Title text="Dashboard" />
        <DashboardBody />
    }
}

#[component]
fn DashboardBody() -> impl IntoView {
    let data = Resource::new_serde_wb(|| (), |_| load_dashboard());
    view! {
        <section class="page dashboard">
            <div class="page-head">
                <h1>"Dashboard"</h1>
                <div class="button-row">
                    <A href="/invoices/new" attr:class="button">"New invoice"</A>
                    <A href="/clients" attr:class="button button-secondary">"Clients"</A>
                </div>
            </div>
            <Transition fallback=|| view! { <p class="muted" role="status">"Adding up your invoices…"</p> }>
                {move || Suspend::new(async move {
                    or_sign_in(data.await.map(|data| view! { <DashboardView data /> }))
                })}
            </Transition>
        </section>
    }
}

#[component]
fn DashboardView(data: DashboardData) -> impl IntoView {
    if data.currencies.is_empty() && data.activity.is_empty() {
        return view! {
            <div class="empty card">
                <h2>"Nothing owed yet"</h2>
                <p>"Add a client, write an invoice and send it: this page then shows what is owed, how late it is and what came in each month."</p>
                <div class="button-row">
                    <A href="/clients?new=1" attr:class="button">"Add your first client"</A>
                    <A href="/invoices/new" attr:class="button button-secondary">"Write an invoice"</A>
                </div>
            </div>
        }
        .into_any();
    }
    let months = data.months.clone();
    view! {
        {data.currencies.into_iter().map(|summary| {
            let code = summary.currency.code();
            let overdue_link = "/invoices?status=overdue";
            view! {
                <section class="currency-block" aria-labelledby=format!("sum-{code}")>
                    <h2 id=format!("sum-{code}") class="currency-title">{code}</h2>
                    <div class="stats">
                        <A href="/invoices?status=outstanding" attr:class="stat">
                            <span class="stat-label">"Outstanding"</span>
                            <span class="stat-value" data-testid=format!("outstanding-{code}")>{summary.outstanding.to_string()}</span>
                        </A>
                        <A href=overdue_link attr:class="stat stat-overdue">
                            <span class="stat-label">"Overdue"</span>
                            <span class="stat-value" data-testid=format!("overdue-{code}")>{summary.overdue.to_string()}</span>
                        </A>
                        <A href="/invoices?status=paid" attr:class="stat stat-paid">
                            <span class="stat-label">"Paid this month"</span>
                            <span class="stat-value" data-testid=format!("paid-{code}")>{summary.paid_this_month.to_string()}</span>
                        </A>
                    </div>
                    <div class="chart-grid-2">
                        <div class="card">
                            <h3>"Outstanding by age"</h3>
                            <AgingChart aging=summary.aging counts=summary.aging_counts id=format!("aging-{code}") />
                        </div>
                        <div class="card">
                            <h3>"Collected, last 12 months"</h3>
                            <CashChart months=months.clone() collected=summary.collected id=format!("cash-{code}") />
                        </div>
                    </div>
                </section>
            }
        }).collect_view()}

        <div class="chart-grid-2">
            <section class="card" aria-labelledby="coming-due-title">
                <h2 id="coming-due-title">"Coming due"</h2>
                <p class="muted small">
                    "The unpaid invoices due soonest, late ones first. PayTrack reminds your clients around these dates as your "
                    <A href="/reminders">"reminder policy"</A> " says."
                </p>
                {if data.coming_due.is_empty() {
                    view! { <p class="muted">"Nothing is waiting to be paid."</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list">
                            {data.coming_due.into_iter().map(|row| view! {
                                <li>
                                    <A href=format!("/invoices/{}", row.id)>{row.number.clone()}</A>
                                    " · " <A href=format!("/clients/{}", row.client_id)>{row.client_name.clone()}</A>
                                    " · due " {row.due_date.to_string()} " · "
                                    <strong>{row.due.to_string()}</strong> " "
                                    <StatusBadge status=row.status overdue=row.overdue />
                                </li>
                            }).collect_view()}
                        </ul>
                        <p class="small">
                            <A href="/invoices?status=outstanding&sort=due&dir=asc">"Every unpaid invoice, by due date"</A>
                        </p>
                    }.into_any()
                }}
            </section>
            <section class="card" aria-labelledby="activity-title">
                <h2 id="activity-title">"Recent activity"</h2>
                <p class="muted small">{format!("Times in {}.", data.time_zone)}</p>
                <ul class="plain-list activity">
                    {data.activity.into_iter().map(|item| view! {
                        <li>
                            <span class="muted small">{item.when.clone()}</span><br />
                            {item.what.clone()} " — "
                            <A href=format!("/invoices/{}", item.invoice_id)>{item.number.clone()}</A>
                            " · " {match item.client_id.clone() {
                                Some(id) => view! {
                                    <A href=format!("/clients/{id}")>{item.client_name.clone()}</A>
                                }.into_any(),
                                None => item.client_name.clone().into_any(),
                            }}
                            " · " {item.amount.to_string()}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        </div>
        <LatePayers payers=data.late_payers />
    }
    .into_any()
}
