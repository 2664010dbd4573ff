//! The operators' usage page: daily counts of product events (no personal data in them), and
//! per plan how many users there are and what they collected. Only the accounts listed in
//! `PAYTRACK_OPERATORS` see it; to anyone else it does not exist.

use std::collections::HashSet;

use mongodb::bson::DateTime;

use crate::domain::date::CalendarDate;
use crate::domain::plan::Plan;
use crate::domain::usage::{DAYS, UsageReport, days_ending, plan_figures, series};
use crate::error::AppError;
use crate::server::db::{self, users::UserDoc};
use crate::server::state::AppState;

/// Whether `user` is one of this installation's operators.
pub fn is_operator(state: &AppState, user: &UserDoc) -> bool {
    state.config.operators.contains(&user.email.to_lowercase())
}

/// The last `DAYS` days for an operator; for anyone else the page does not exist.
pub async fn for_operator(
    state: &AppState,
    user: &UserDoc,
    now: jiff::Timestamp,
) -> Result<UsageReport, AppError> {
    if !is_operator(state, user) {
        return Err(AppError::NotFound("That page doesn't exist.".to_string()));
    }
    report(state, now)
        .await
        .map_err(db::failed("reading usage"))
}

async fn report(
    state: &AppState,
    now: jiff::Timestamp,
) -> Result<UsageReport, mongodb::error::Error> {
    let days = days_ending(db::usage::today_at(now));
    let counted: Vec<_> = db::usage::since(&state.db, days[0])
        .await?
        .into_iter()
        .filter_map(|row| Some((CalendarDate::parse(&row.day).ok()?, row.event, row.count)))
        .collect();
    let since = DateTime::from_millis(now.as_millisecond() - DAYS * 86_400_000);
    let users = db::users::count_all(&state.db).await?;
    // Without billing there are no plans: everyone has everything.
    let pro: Option<HashSet<_>> = match state.config.billing {
        Some(_) => Some(
            db::users::pro_ids(&state.db, now.as_second())
                .await?
                .into_iter()
                .collect(),
        ),
        None => None,
    };
    let plan_of = |user| match &pro {
        Some(pro) if !pro.contains(&user) => Plan::Free,
        _ => Plan::Pro,
    };
    let collected = db::activity::collected_since(&state.db, since).await?;
    Ok(UsageReport {
        series: series(&days, &counted),
        days,
        active_users: db::sessions::users_seen_since(&state.db, since).await?,
        plans: plan_figures(
            users,
            pro.as_ref().map_or(users, |pro| pro.len() as u64),
            collected
                .into_iter()
                .map(|c| (plan_of(c.user_id), c.currency, c.minor)),
        ),
    })
}
