//! Under a refusal by the Free plan: the way to lift it.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::error::AppError;

/// Whether `result` is a refusal by the plan.
pub fn is_plan_limit<T>(result: Option<Result<T, AppError>>) -> bool {
    matches!(result, Some(Err(AppError::PlanLimit(_))))
}

#[component]
pub fn UpgradeLink(#[prop(into)] when: Signal<bool>) -> impl IntoView {
    view! {
        <Show when=move || when.get()>
            <p class="upgrade-hint"><A href="/billing">"See plans and upgrade"</A></p>
        </Show>
    }
}
