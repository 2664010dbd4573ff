//! A payment the user records by hand (a bank transfer, cash): recorded like any payment, and
//! then the invoice's Stripe link must not take the same money again — closed when the invoice
//! is paid in full, replaced by one for what is still owed after a part payment.

use mongodb::bson::oid::ObjectId;

use super::record::{PaymentSource, Recorded, record};
use super::{closing, links};
use crate::domain::date::CalendarDate;
use crate::domain::payment::PaymentInput;
use crate::error::AppError;
use crate::server::db::users::UserDoc;
use crate::server::state::AppState;

pub async fn record_by_hand(
    state: &AppState,
    user: &UserDoc,
    id: ObjectId,
    payment: &PaymentInput,
    today: CalendarDate,
) -> Result<Recorded, AppError> {
    let recorded = record(state, user, id, PaymentSource::Manual(payment), today).await?;
    if let Recorded::Saved { invoice, paid } = &recorded {
        if *paid {
            closing::close(state, user, invoice).await;
        } else {
            links::replace(state, user, invoice).await;
        }
    }
    Ok(recorded)
}
