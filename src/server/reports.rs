//! What the dashboard shows, read in five queries at once: aging of what is owed, cash per
//! month over the last year, what falls due next, the latest activity and the clients who pay
//! latest.

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
    let figures = async {
        futures::try_join!(
            invoices::aging(&state.db, user.id, today),
            db::collected::since(&state.db, user.id, &months[0]),
            invoices::coming_due(&state.db, user.id, COMING_DUE),
            activity::recent(&state.db, user.id, RECENT),
        )
        .map_err(db::failed("building the dashboard"))
    };
    let late_payers = crate::server::pay_habits::latest_payers(state, user);
    let ((aging, cash, coming_due, activity), late_payers) =
        futures::try_join!(figures, late_payers)?;
    let currencies = summarize(&aging, &cash, &months, &today.month_key());
    Ok(DashboardFigures {
        months,
        currencies,
        coming_due,
        activity,
        late_payers,
    })
}
