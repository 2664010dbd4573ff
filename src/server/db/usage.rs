//! Daily counts of product events (`domain::usage`), for the operators' page. One document per
//! (day, event) holding only a number: nothing here identifies a user, so it is not user data
//! (export and deletion leave it alone, and it cannot be traced back).

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::doc;
use serde::{Deserialize, Serialize};

use super::schema::USAGE_DAILY;
use crate::domain::date::CalendarDate;
use crate::domain::usage::UsageEvent;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UsageDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub day: String,
    pub event: UsageEvent,
    pub count: i64,
}

/// Adds one `event` on `day` (UTC). Counting is a convenience: a failure is logged, never
/// passed on to the action that was counted.
pub async fn count(db: &Database, event: UsageEvent, day: CalendarDate) {
    count_many(db, event, day, 1).await;
}

/// Adds `n` of `event` on `day` at once (the email engine counts a batch's reminders in one
/// write); see `count`.
pub async fn count_many(db: &Database, event: UsageEvent, day: CalendarDate, n: i64) {
    if n == 0 {
        return;
    }
    let day = day.to_string();
    let counted = db
        .collection::<UsageDoc>(USAGE_DAILY)
        .update_one(
            doc! { "_id": format!("{day}:{}", event.key()) },
            doc! {
                "$inc": { "count": n },
                "$setOnInsert": { "day": &day, "event": event.key() },
            },
        )
        .upsert(true)
        .await;
    if let Err(err) = counted {
        tracing::warn!(error = %err, event = event.key(), "counting a usage event");
    }
}

/// Adds one `event` today (UTC); see `count`.
pub async fn count_today(db: &Database, event: UsageEvent) {
    count(db, event, today()).await;
}

/// Today in UTC, the day events are counted under.
pub fn today() -> CalendarDate {
    today_at(jiff::Timestamp::now())
}

/// The UTC day `now` falls on.
pub fn today_at(now: jiff::Timestamp) -> CalendarDate {
    let days = now.as_second().div_euclid(86_400);
    CalendarDate::EPOCH
        .add_days(days)
        .unwrap_or(CalendarDate::EPOCH)
}

/// Every count from `since` on.
pub async fn since(
    db: &Database,
    since: CalendarDate,
) -> Result<Vec<UsageDoc>, mongodb::error::Error> {
    db.collection::<UsageDoc>(USAGE_DAILY)
        .find(doc! { "day": { "$gte": since.to_string() } })
        .sort(doc! { "day": 1 })
        .await?
        .try_collect()
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_events_count_under_is_the_utc_day() {
        let day = |at: &str| today_at(at.parse().unwrap()).to_string();
        assert_eq!(day("2026-12-01T00:00:00Z"), "2026-12-01");
        assert_eq!(day("2026-12-01T23:59:59Z"), "2026-12-01");
        assert_eq!(day("2026-12-02T00:30:00+01:00"), "2026-12-01");
    }
}
