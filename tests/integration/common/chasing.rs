//! The email engine as the email tests drive it — against the Resend stand-in, on a clock the
//! test moves — and the sent invoices, dates and jobs they read.

use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp, ToSpan};
use mongodb::bson::{Document, doc, oid::ObjectId};
use paytrack::server::email::Mailer;
use paytrack::server::email::resend::{Resend, RetryPolicy};
use paytrack::server::jobs::clock::ManualClock;
use paytrack::server::jobs::engine::Engine;
use paytrack::server::jobs::outcome::TickReport;
use paytrack::server::secret::Secret;
use serde_json::Value;

use super::TestApp;
use super::billing::{User, invoice_input};
use super::resend::ResendStandIn;

pub fn engine(app: &TestApp, resend: &str, clock: Arc<ManualClock>) -> Engine {
    engine_on(app.db.clone(), app, resend, clock)
}

pub fn engine_on(
    db: mongodb::Database,
    app: &TestApp,
    resend: &str,
    clock: Arc<ManualClock>,
) -> Engine {
    let mailer = Resend::new(
        resend,
        Secret::new("re_test_engine".to_string()),
        "PayTrack <reminders@paytrack.test>".to_string(),
    )
    .unwrap()
    .with_retry(RetryPolicy {
        attempts: 3,
        first_pause: Duration::from_millis(5),
        longest_pause: Duration::from_secs(1),
    });
    Engine::new(db, Mailer::Resend(mailer), clock, app.address.clone())
}

/// Today in Paris (the test users' zone) plus `days`, as the editor writes dates.
pub fn paris_date(days: i64) -> String {
    let zone = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
    let today = Timestamp::now().to_zoned(zone).date();
    today.checked_add(days.days()).unwrap().to_string()
}

/// A sent invoice due in `due_in` days; returns its id.
pub async fn sent_invoice(user: &User<'_>, client: &str, due_in: i64) -> String {
    sent_invoice_answer(user, client, due_in).await.0
}

/// The same, with the send's answer (the invoice as the owner sees it).
pub async fn sent_invoice_answer(user: &User<'_>, client: &str, due_in: i64) -> (String, Value) {
    let mut input = invoice_input(client);
    input.issue_date = paris_date(0);
    input.due_date = paris_date(due_in);
    let (id, _) = user.draft_with(input).await;
    let sent = user.send(&id).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    (id, sent.body)
}

/// Ticks every six hours from now for `days` days, calling `each_day` at the start of each.
pub async fn run_days(engine: &Engine, clock: &ManualClock, days: i64) -> TickReport {
    let mut total = TickReport::default();
    for _ in 0..days * 4 {
        clock.advance(SignedDuration::from_hours(6));
        total.add(&engine.tick().await.unwrap());
    }
    total
}

pub fn reminder_keys(invoice: &str, offsets: &[i32]) -> Vec<String> {
    let mut keys: Vec<String> = offsets
        .iter()
        .map(|o| format!("paytrack-{invoice}-reminder:{o}"))
        .collect();
    keys.sort();
    keys
}

/// The reminder jobs of `invoice` waiting for their time.
pub async fn scheduled_reminder_jobs(app: &TestApp, invoice: &str) -> Vec<Document> {
    use futures::TryStreamExt;
    app.db
        .collection::<Document>("email_jobs")
        .find(doc! {
            "invoice_id": ObjectId::parse_str(invoice).unwrap(),
            "state": "scheduled",
            "step": { "$regex": "^reminder:" },
        })
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap()
}

pub async fn jobs_of(app: &TestApp, invoice: &str) -> Vec<Document> {
    use futures::TryStreamExt;
    app.db
        .collection::<Document>("email_jobs")
        .find(doc! { "invoice_id": ObjectId::parse_str(invoice).unwrap() })
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap()
}

/// Signs `email` in with the link the stand-in received for them.
pub async fn signed_in<'a>(app: &'a TestApp, stand_in: &ResendStandIn, email: &str) -> User<'a> {
    assert_eq!(app.request_link(email, "/account").await.status(), 200);
    let token = stand_in.latest_login_token(email);
    let response = app.redeem(&token, None).await;
    User {
        app,
        cookie: super::sign_in::session_cookie(&response).expect("signed in"),
    }
}
