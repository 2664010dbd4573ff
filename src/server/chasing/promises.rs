//! A client's promise to pay, made on the invoice's page ("I'll pay by …"): reminders wait
//! until the morning after that day, the user is told, and if the day passes unpaid the next
//! reminder says so (see `jobs::decide`). One promise stands at a time; the user can clear it.

use mongodb::bson::DateTime;
use mongodb::bson::oid::ObjectId;

use crate::domain::date::CalendarDate;
use crate::domain::pause::PauseReason;
use crate::domain::promise::{self, Limit, Offer, Outcome, PromiseView};
use crate::domain::timeline::InvoiceReminders;
use crate::error::AppError;
use crate::server::db::activity::{self, ActivityKind};
use crate::server::db::invoices::{self, InvoiceDoc, PromiseDoc};
use crate::server::db::users::UserDoc;
use crate::server::email::{notify, templates};
use crate::server::invoicing::{load, public};
use crate::server::jobs::plan::{self, today_of};
use crate::server::limits::{self, rate};
use crate::server::state::AppState;

/// The promise that counts on `invoice`, as seen on `today` in `user`'s zone.
pub fn view(invoice: &InvoiceDoc, user: &UserDoc, today: CalendarDate) -> Option<PromiseView> {
    let (_, promise) = invoice.open_promise()?;
    Some(PromiseView {
        day: promise.day,
        made_on: plan::day_of(promise.made_at, user),
        outcome: invoice.promise_outcome(promise, today),
    })
}

/// What the client's page offers about promising, for an invoice of `user` seen `today`.
pub fn offer(invoice: &InvoiceDoc, user: &UserDoc, today: CalendarDate) -> Offer {
    let current = view(invoice, user, today);
    let limit = user.saved_reminder_settings().promise_limit;
    Offer {
        open: refusal(invoice, current.as_ref()).is_none(),
        current,
        first: today,
        last: today.add_days(i64::from(limit.days())).unwrap_or(today),
    }
}

/// Why no promise can be made on `invoice` now, if it cannot.
fn refusal(invoice: &InvoiceDoc, current: Option<&PromiseView>) -> Option<String> {
    if !invoice.status.is_collectable() {
        return Some("This invoice is paid or cancelled: there is nothing to promise.".to_string());
    }
    let processing = invoice
        .reminders_paused
        .as_ref()
        .is_some_and(|p| p.reason == PauseReason::Processing);
    if processing {
        return Some(
            "Your payment is already on its way: there is nothing more to do.".to_string(),
        );
    }
    match current {
        Some(promise) if promise.outcome == Outcome::Pending => Some(format!(
            "You said you would pay by {}. To change that, reply to the invoice email.",
            promise.day.long()
        )),
        _ => None,
    }
}

/// The client behind the link `token` promises to pay by `day` (their text, YYYY-MM-DD).
pub async fn make(state: &AppState, token: &str, day: &str) -> Result<Offer, AppError> {
    let gone = || AppError::NotFound("This invoice link doesn't work any more.".to_string());
    let (invoice, owner) = public::by_token(state, token).await?.ok_or_else(gone)?;
    let now = DateTime::now();
    rate::check(
        state,
        &format!("promise:{}", invoice.id),
        rate::PROMISE,
        "Too many tries to promise a day for this invoice.",
        now,
    )
    .await?;
    let today = today_of(&owner);
    let limit: Limit = owner.saved_reminder_settings().promise_limit;
    if let Some(why) = refusal(&invoice, view(&invoice, &owner, today).as_ref()) {
        return Err(AppError::Rejected(why));
    }
    let day = promise::promised_day(day, today, limit.days()).map_err(AppError::BadRequest)?;
    let made = PromiseDoc {
        day,
        made_at: now,
        cleared_at: None,
        followed_up_by: None,
    };
    let failed = crate::server::db::failed("keeping a promise to pay");
    let promised = invoices::add_promise(&state.db, invoice.id, invoice.promises.len(), &made)
        .await
        .map_err(&failed)?
        .ok_or_else(|| {
            AppError::Rejected(
                "The invoice changed meanwhile. Reload the page and try again.".to_string(),
            )
        })?;
    let owner = limits::apply(state, owner);
    // The promise stands from here; the rest is told and planned around it, and the engine
    // re-checks each reminder against the invoice anyway.
    if let Err(err) = plan::replan(&state.db, &owner, &promised).await {
        tracing::error!(error = %err, invoice = %promised.id, "re-planning after a promise");
    }
    let due = promised.due_minor;
    if let Err(err) =
        activity::record(&state.db, &promised, ActivityKind::ClientPromised, due, now).await
    {
        tracing::warn!(error = %err, "the promise is not on the dashboard's activity");
    }
    tell_owner(state, &owner, &promised, day).await;
    Ok(offer(&promised, &owner, today))
}

/// Emails the user that their client promised a day (once per promise: its key).
async fn tell_owner(state: &AppState, owner: &UserDoc, invoice: &InvoiceDoc, day: CalendarDate) {
    let rendered = templates::client_promised(
        &owner.name,
        &invoice.bill_to.name,
        &invoice.number,
        &day.long(),
        &promise::chasing_resumes(day).long(),
        &format!("{}/invoices/{}", state.config.base_url, invoice.id.to_hex()),
    );
    let key = format!("promise-{}-{}", invoice.id.to_hex(), invoice.promises.len());
    notify::send_to(state, &owner.email, None, rendered, "promise", key).await;
}

/// The user sets their client's promise aside: reminders follow the policy again.
pub async fn clear(
    state: &AppState,
    user: &UserDoc,
    id: ObjectId,
) -> Result<InvoiceReminders, AppError> {
    let invoice = load(state, user.id, id).await?;
    let Some((index, _)) = invoice.open_promise() else {
        return Err(AppError::Rejected(
            "Your client has no promise on this invoice to clear.".to_string(),
        ));
    };
    let cleared = invoices::clear_promise(&state.db, user.id, id, index, DateTime::now())
        .await
        .map_err(super::write_failure)?
        .ok_or_else(|| {
            AppError::Rejected(
                "The promise changed meanwhile. Reload the page and try again.".to_string(),
            )
        })?;
    super::replanned(state, user, cleared).await
}
