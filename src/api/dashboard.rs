//! The dashboard's numbers in one call: what is owed and how late, what came in per month,
//! what falls due next and what happened lately.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::invoices::wire::InvoiceRow;
use crate::browser_json::BrowserJson;
pub use crate::domain::dashboard::{AGING_LABELS, CurrencySummary};
use crate::domain::date::CalendarDate;
use crate::domain::money::Money;
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityItem {
    /// When it happened, in the user's zone: "Tue 1 Dec 2026, 00:30".
    pub when: String,
    pub what: String,
    pub invoice_id: String,
    pub number: String,
    /// None for entries older than the id in the activity log: the name is shown unlinked.
    pub client_id: Option<String>,
    pub client_name: String,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub today: CalendarDate,
    /// The user's zone, which the activity's times are in.
    pub time_zone: String,
    /// The last 12 months as "YYYY-MM", oldest first, this month last.
    pub months: Vec<String>,
    /// One entry per currency the user has outstanding or collected money in.
    pub currencies: Vec<CurrencySummary>,
    pub coming_due: Vec<InvoiceRow>,
    pub activity: Vec<ActivityItem>,
    /// The clients who pay latest on average, latest first.
    pub late_payers: Vec<crate::domain::pay_habits::LatePayer>,
}

#[server(prefix = "/api", endpoint = "dashboard", output = BrowserJson)]
pub async fn load_dashboard() -> Result<Dashboard, AppError> {
    let (user, state) = crate::api::ssr::who_asks().await?;
    let today = crate::server::jobs::plan::today_of(&user);
    let figures = crate::server::reports::dashboard(&state, &user, today).await?;
    Ok(dashboard(figures, &user, today))
}

#[cfg(feature = "ssr")]
fn dashboard(
    figures: crate::server::reports::DashboardFigures,
    user: &crate::server::db::users::UserDoc,
    today: CalendarDate,
) -> Dashboard {
    use crate::api::invoices::views::row;

    Dashboard {
        today,
        months: figures.months,
        currencies: figures.currencies,
        coming_due: figures.coming_due.iter().map(|i| row(i, today)).collect(),
        activity: figures
            .activity
            .into_iter()
            .map(|entry| activity_item(entry, user))
            .collect(),
        time_zone: user.time_zone.clone(),
        late_payers: figures.late_payers,
    }
}

#[cfg(feature = "ssr")]
fn activity_item(
    entry: crate::server::db::activity::ActivityDoc,
    user: &crate::server::db::users::UserDoc,
) -> ActivityItem {
    use crate::server::jobs::plan::{from_bson, local_moment};

    ActivityItem {
        when: local_moment(from_bson(entry.at), user),
        what: entry.kind.label().to_string(),
        invoice_id: entry.invoice_id.to_hex(),
        number: entry.number,
        client_id: entry.client_id.map(|id| id.to_hex()),
        client_name: entry.client_name,
        amount: Money::from_minor(entry.amount_minor, entry.currency),
    }
}
