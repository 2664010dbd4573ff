//! The operators' usage page: daily counts of product events (no personal data in them), and
//! per plan how many users there are and how much they collected. Only the accounts listed in
//! `PAYTRACK_OPERATORS` see it; to anyone else it does not exist.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::date::CalendarDate;
use crate::domain::money::Money;
use crate::domain::plan::Plan;
use crate::error::AppError;

/// How many days the page covers.
pub const DAYS: i64 = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageSeries {
    pub key: String,
    pub label: String,
    /// One count per day of `UsageReport::days`.
    pub counts: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanFigures {
    pub plan: Plan,
    pub users: u64,
    /// Paid to those users' invoices in the period, per currency.
    pub collected: Vec<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageReport {
    pub days: Vec<CalendarDate>,
    pub series: Vec<UsageSeries>,
    /// Users seen (a session used) in the period.
    pub active_users: u64,
    pub plans: Vec<PlanFigures>,
}

#[cfg(feature = "ssr")]
mod ssr {
    use std::collections::{BTreeMap, HashMap};

    use futures::TryStreamExt;
    use mongodb::bson::oid::ObjectId;
    use mongodb::bson::{DateTime, Document, doc};

    use super::*;
    use crate::domain::money::Currency;
    use crate::server::db::schema::{ACTIVITY, SESSIONS, USERS};
    use crate::server::db::users::UserDoc;
    use crate::server::state::AppState;

    fn plan_of(state: &AppState, user: &UserDoc) -> Plan {
        crate::server::limits::plan_of(state, user)
    }

    pub async fn report(state: &AppState) -> Result<UsageReport, mongodb::error::Error> {
        let today = crate::server::db::usage::today();
        let first = today.add_days(1 - DAYS).unwrap_or(today);
        let days: Vec<CalendarDate> = (0..DAYS).filter_map(|i| first.add_days(i).ok()).collect();
        let counted = crate::server::db::usage::since(&state.db, first).await?;
        let series = crate::domain::usage::UsageEvent::ALL
            .iter()
            .map(|event| UsageSeries {
                key: event.key().to_string(),
                label: event.label().to_string(),
                counts: days
                    .iter()
                    .map(|day| {
                        counted
                            .iter()
                            .filter(|c| c.event == *event && c.day == day.to_string())
                            .map(|c| c.count)
                            .sum()
                    })
                    .collect(),
            })
            .collect();
        let since = DateTime::from_millis(DateTime::now().timestamp_millis() - DAYS * 86_400_000);
        let active_users = state
            .db
            .collection::<Document>(SESSIONS)
            .distinct("user_id", doc! { "last_seen_at": { "$gte": since } })
            .await?
            .len() as u64;

        // Everyone's plan: users are few next to invoices, and only the billing field is read.
        let users: Vec<UserDoc> = state
            .db
            .collection::<UserDoc>(USERS)
            .find(doc! {})
            .await?
            .try_collect()
            .await?;
        let plan_by_user: HashMap<ObjectId, Plan> =
            users.iter().map(|u| (u.id, plan_of(state, u))).collect();
        let mut figures: BTreeMap<&'static str, (Plan, u64, BTreeMap<Currency, i64>)> =
            BTreeMap::new();
        for plan in [Plan::Free, Plan::Pro] {
            figures.insert(plan.label(), (plan, 0, BTreeMap::new()));
        }
        for plan in plan_by_user.values() {
            if let Some(entry) = figures.get_mut(plan.label()) {
                entry.1 += 1;
            }
        }
        let payments: Vec<Document> = state
            .db
            .collection::<Document>(ACTIVITY)
            .aggregate(vec![
                doc! { "$match": { "kind": "PaymentRecorded", "at": { "$gte": since } } },
                doc! { "$group": {
                    "_id": { "user": "$user_id", "currency": "$currency" },
                    "minor": { "$sum": "$amount_minor" },
                } },
            ])
            .await?
            .try_collect()
            .await?;
        for row in payments {
            let Ok(key) = row.get_document("_id") else {
                continue;
            };
            let (Ok(user), Ok(code)) = (key.get_object_id("user"), key.get_str("currency")) else {
                continue;
            };
            let (Some(plan), Ok(currency)) = (plan_by_user.get(&user), Currency::parse(code))
            else {
                continue;
            };
            let minor = row
                .get_i64("minor")
                .or_else(|_| row.get_i32("minor").map(i64::from))
                .unwrap_or(0);
            if let Some(entry) = figures.get_mut(plan.label()) {
                *entry.2.entry(currency).or_default() += minor;
            }
        }
        let plans = figures
            .into_values()
            .map(|(plan, users, collected)| PlanFigures {
                plan,
                users,
                collected: collected
                    .into_iter()
                    .map(|(c, m)| Money::from_minor(m, c))
                    .collect(),
            })
            .collect();
        Ok(UsageReport {
            days,
            series,
            active_users,
            plans,
        })
    }
}

#[server(prefix = "/api", endpoint = "operator/usage")]
pub async fn load_usage() -> Result<UsageReport, AppError> {
    use crate::api::ssr::{require_user, state};

    let user = require_user().await?.user;
    let state = state()?;
    if !state.config.operators.contains(&user.email.to_lowercase()) {
        return Err(AppError::NotFound("That page doesn't exist.".to_string()));
    }
    ssr::report(&state)
        .await
        .map_err(crate::server::db::failed("reading usage"))
}
