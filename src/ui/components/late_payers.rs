//! The dashboard's clients who pay latest: each a link to the client, how late they pay in
//! words, and a bar drawn to the latest of them so the difference shows at a glance.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::pay_habits::LatePayer;

/// Drawing width of the longest bar.
const BAR: f64 = 200.0;

/// Bar length for `days` on a scale up to `max` days.
fn bar_length(days: i64, max: i64) -> f64 {
    if max <= 0 || days <= 0 {
        0.0
    } else {
        (days.min(max) as f64 / max as f64) * BAR
    }
}

#[component]
pub fn LatePayers(payers: Vec<LatePayer>) -> impl IntoView {
    let max = payers
        .iter()
        .filter_map(|p| p.habits.average_days_late)
        .max()
        .unwrap_or(0);
    view! {
        <section class="card" aria-labelledby="late-payers-title">
            <h2 id="late-payers-title">"Clients who pay latest"</h2>
            <p class="muted small">"Average days past the due date over the invoices each paid in full."</p>
            {if payers.is_empty() {
                view! { <p class="muted">"Nobody pays late yet."</p> }.into_any()
            } else {
                view! {
                    <ol class="plain-list late-payers">
                        {payers.into_iter().map(|payer| {
                            let days = payer.habits.average_days_late.unwrap_or(0);
                            let kept = payer.habits.promises_kept();
                            view! {
                                <li>
                                    <A href=format!("/clients/{}", payer.client_id)>{payer.name.clone()}</A>
                                    " · " <span>{payer.habits.lateness()}</span>
                                    {kept.map(|k| view! { " " <span class="muted small">{k}</span> })}
                                    <svg class="late-bar" viewBox=format!("0 0 {BAR} 8") preserveAspectRatio="none" aria-hidden="true">
                                        <rect x="0" y="0" width=bar_length(days, max).max(2.0) height="8" rx="4" />
                                    </svg>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_latest_payer() {
        assert_eq!(bar_length(30, 30), BAR);
        assert_eq!(bar_length(15, 30), BAR / 2.0);
        assert_eq!(bar_length(0, 30), 0.0);
        assert_eq!(bar_length(5, 0), 0.0);
    }
}
