//! What the dashboard shows, read in five queries, four at once: what is owed per due date
//! (the aging buckets, and how far the next query reads), then what falls due next; cash per
//! month over the last year; the latest activity; and the clients who pay latest.

use crate::domain::aging::{aging, due_by_which};
use crate::domain::dashboard::{CurrencySummary, last_twelve_months, summarize};
use crate::domain::date::CalendarDate;
use crate::domain::pay_habits::LatePayer;
use crate::error::AppError;
use crate::server::db::activity::{self, ActivityDoc};
use crate::server::db::invoices::{self, ListedInvoice};
use crate::server::db::{self, users::UserDoc};
use crate::server::state::AppState;

/// How many invoices "coming due" lists, and how many activity entries.
const COMING_DUE: i64 = 6;
const RECENT: i64 = 10;

pub struct DashboardFigures {
    pub months: Vec<String>,
    pub currencies: Vec<CurrencySummary>,
    pub coming_due: Vec<ListedInvoice>,
    pub activity: Vec<ActivityDoc>,
    pub late_payers: Vec<LatePayer>,
}

/// The dashboard as of `today` in the user's zone.
pub async fn dashboard(
    state: &AppState,
    user: &UserDoc,
    today: CalendarDate,
) -> Result<DashboardFigures, AppError> {
    let months = last_twelve_months(today);
    // What is owed decides how far "coming due" reads, so those two go one after the other.
    let owed_and_coming_due = async {
        let owed = db::owed::of_user(&state.db, user.id).await?;
        let through = due_by_which(&owed, COMING_DUE as u32);
        let coming_due = invoices::coming_due(&state.db, user.id, COMING_DUE, through).await?;
        Ok((owed, coming_due))
    };
    let figures = async {
        futures::try_join!(
            owed_and_coming_due,
            db::collected::since(&state.db, user.id, &months[0]),
            activity::recent(&state.db, user.id, RECENT, mongodb::bson::DateTime::now()),
        )
        .map_err(db::failed("building the dashboard"))
    };
    let late_payers = crate::server::pay_habits::latest_payers(state, user);
    let (((owed, coming_due), cash, activity), late_payers) =
        futures::try_join!(figures, late_payers)?;
    let aging = aging(&owed, today).ok_or_else(|| {
        tracing::error!(user = %user.id, "what is owed is past what minor units hold");
        AppError::Internal
    })?;
    let currencies = summarize(&aging, &cash, &months, &today.month_key());
    Ok(DashboardFigures {
        months,
        currencies,
        coming_due,
        activity,
        late_payers,
    })
}
