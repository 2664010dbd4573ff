//! `/operator`: PayTrack's usage, for its operators — events per day drawn as charts, active
//! users, and per plan the users and what they collected. Counts only: no one is named.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::operator::{DAYS, UsageReport, load_usage};
use crate::ui::components::charts::DailyChart;
use crate::ui::components::signed_in::or_sign_in;

#[component]
pub fn Operator() -> impl IntoView {
    let report = OnceResource::new_serde_wb(load_usage());
    view! {
        <Title text="Usage" />
        <section class="page operator">
            <h1>"Usage"</h1>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading usage…"</p> }>
                {move || Suspend::new(async move {
                    or_sign_in(report.await.map(|report| view! { <Report report /> }))
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Report(report: UsageReport) -> impl IntoView {
    let sign_ups: i64 = report
        .series
        .iter()
        .find(|s| s.key == "sign_up")
        .map(|s| s.counts.iter().sum())
        .unwrap_or(0);
    view! {
        <div class="stats">
            <div class="stat card"><span class="stat-label">{format!("Sign-ups, last {DAYS} days")}</span><strong data-testid="sign-ups">{sign_ups}</strong></div>
            <div class="stat card"><span class="stat-label">{format!("Active users, last {DAYS} days")}</span><strong data-testid="active-users">{report.active_users}</strong></div>
            {report.plans.iter().map(|plan| {
                let collected = if plan.collected.is_empty() {
                    "nothing collected".to_string()
                } else {
                    plan.collected.iter().map(|m| m.to_string()).collect::<Vec<_>>().join(" · ")
                };
                view! {
                    <div class="stat card" data-plan=plan.plan.label()>
                        <span class="stat-label">{format!("{} users", plan.plan.label())}</span>
                        <strong>{plan.users}</strong>
                        <span class="muted small">{format!("Collected in {DAYS} days: {collected}")}</span>
                    </div>
                }
            }).collect_view()}
        </div>
        // One zone for every user's events: the operator's days are UTC's, and say so.
        <p class="muted small">"Each day runs from midnight to midnight UTC."</p>
        <div class="daily-charts">
            {report.series.iter().map(|series| view! {
                <DailyChart days=report.days.clone() counts=series.counts.clone() label=series.label.clone() id=format!("usage-{}", series.key) />
            }).collect_view()}
        </div>
    }
}
