use super::*;

#[test]
fn the_send_hour_is_local_time_in_the_users_zone() {
    let date = CalendarDate::parse("2026-12-10").unwrap();
    let hour = SendHour::default();
    let paris = TimeZone::get("Europe/Paris").unwrap();
    assert_eq!(
        send_instant(date, hour, &paris).unwrap().to_string(),
        "2026-12-10T08:00:00Z"
    );
    let auckland = TimeZone::get("Pacific/Auckland").unwrap();
    assert_eq!(
        send_instant(date, hour, &auckland).unwrap().to_string(),
        "2026-12-09T20:00:00Z"
    );
    // Summer time in New York: 09:00 EDT.
    let new_york = TimeZone::get("America/New_York").unwrap();
    let june = CalendarDate::parse("2026-06-10").unwrap();
    assert_eq!(
        send_instant(june, hour, &new_york).unwrap().to_string(),
        "2026-06-10T13:00:00Z"
    );
}

#[test]
fn local_dates_follow_the_zone_not_utc() {
    let at: Timestamp = "2026-12-09T20:00:00Z".parse().unwrap();
    let auckland = TimeZone::get("Pacific/Auckland").unwrap();
    assert_eq!(local_date(at, &auckland).to_string(), "2026-12-10");
    assert_eq!(local_date(at, &TimeZone::UTC).to_string(), "2026-12-09");
}

#[test]
fn a_step_in_flight_counts_as_handled_so_a_replan_never_schedules_it_again() {
    use crate::server::db::email_jobs::{EmailJobDoc, JobState};
    use mongodb::bson::oid::ObjectId;

    let (owner, invoice) = (ObjectId::new(), ObjectId::new());
    let job = |step: &str, state: JobState| {
        let mut job = EmailJobDoc::scheduled(owner, invoice, step, DateTime::now());
        job.state = state;
        job
    };
    let jobs = [
        job("invoice", JobState::Sent),
        job("reminder:-3", JobState::Sent),
        job("reminder:0", JobState::Batched),
        job("reminder:3", JobState::Scheduled),
    ];
    assert_eq!(last_handled(&jobs), Some(0));
    let jobs = [
        job("reminder:0", JobState::Cancelled),
        job("reminder:3", JobState::Scheduled),
    ];
    assert_eq!(last_handled(&jobs), None);
}
