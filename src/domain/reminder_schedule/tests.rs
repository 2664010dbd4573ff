use super::*;
use crate::domain::date::day as date;

#[test]
fn step_keys_round_trip() {
    for step in [
        Step::Invoice,
        Step::Reminder(-3),
        Step::Reminder(0),
        Step::Reminder(14),
    ] {
        assert_eq!(Step::from_key(&step.key()), Some(step));
    }
    assert_eq!(Step::Reminder(-3).key(), "reminder:-3");
    assert_eq!(Step::from_key("reminder:soon"), None);
    assert_eq!(Step::from_key("other"), None);
}

#[test]
fn labels_read_as_sentences() {
    assert_eq!(Step::Reminder(-3).label(), "3 days before due");
    assert_eq!(Step::Reminder(-1).label(), "1 day before due");
    assert_eq!(Step::Reminder(0).label(), "On the due date");
    assert_eq!(Step::Reminder(7).label(), "7 days after due");
}

#[test]
fn send_hours_stay_in_waking_hours() {
    assert_eq!(SendHour::default().hour(), 9);
    assert_eq!(SendHour::parse("09:00").unwrap().hour(), 9);
    assert_eq!(SendHour::parse("21").unwrap().hour(), 21);
    assert!(
        SendHour::parse("3")
            .unwrap_err()
            .contains("middle of the night")
    );
    assert!(SendHour::parse("22:00").is_err());
    assert!(SendHour::parse("noon").is_err());
    assert_eq!(SendHour::new(6).unwrap().to_string(), "06:00");
}

#[test]
fn the_first_reminder_is_the_first_step_after_the_sending_day() {
    let policy = ReminderPolicy::default();
    let due = date("2026-12-10");
    // Sent well ahead: the first step (3 days before) is next.
    let first = next_reminder(&policy, due, date("2026-11-20"), None).unwrap();
    assert_eq!(first.offset_days, -3);
    // Sent two days before due: −3 already passed, so the due-date reminder is next.
    let first = next_reminder(&policy, due, date("2026-12-08"), None).unwrap();
    assert_eq!(first.offset_days, 0);
    // Sent on the due date: the same-day reminder would repeat the invoice, skip it.
    let first = next_reminder(&policy, due, due, None).unwrap();
    assert_eq!(first.offset_days, 3);
    // After +7 comes +14, then nothing.
    let sent = date("2026-11-20");
    assert_eq!(
        next_reminder(&policy, due, sent, Some(7))
            .unwrap()
            .offset_days,
        14
    );
    assert!(next_reminder(&policy, due, sent, Some(14)).is_none());
}

#[test]
fn catching_up_sends_only_the_latest_due_step() {
    let policy = ReminderPolicy::default();
    // Down from before +3 until after +7: +7 is sent, +3 is superseded.
    assert_eq!(catch_up(&policy, 3, |offset| offset <= 8), 7);
    // Nothing later is due: the step itself.
    assert_eq!(catch_up(&policy, 3, |offset| offset <= 3), 3);
    assert_eq!(catch_up(&policy, 14, |_| true), 14);
}

#[test]
fn paid_and_void_hold_before_anything_that_can_change_back() {
    let chased = ChaseState {
        status: InvoiceStatus::Open,
        processing: false,
        paused: false,
        replied: false,
        bounced: false,
        reminders_off: false,
    };
    assert_eq!(chased.hold(), None);
    let all = ChaseState {
        paused: true,
        bounced: true,
        reminders_off: true,
        ..chased
    };
    assert_eq!(all.hold(), Some(SkipReason::Bounced));
    let settling = ChaseState {
        processing: true,
        ..all
    };
    assert_eq!(settling.hold(), Some(SkipReason::PaymentProcessing));
    assert_eq!(
        ChaseState {
            status: InvoiceStatus::Paid,
            ..settling
        }
        .hold(),
        Some(SkipReason::Paid)
    );
    for (status, reason) in [
        (InvoiceStatus::Paid, SkipReason::Paid),
        (InvoiceStatus::Void, SkipReason::Void),
        (InvoiceStatus::WrittenOff, SkipReason::WrittenOff),
    ] {
        assert_eq!(ChaseState { status, ..all }.hold(), Some(reason));
    }
    assert_eq!(
        ChaseState {
            paused: true,
            ..chased
        }
        .hold(),
        Some(SkipReason::Paused)
    );
    assert_eq!(
        ChaseState {
            replied: true,
            paused: true,
            ..chased
        }
        .hold(),
        Some(SkipReason::Replied)
    );
    assert_eq!(
        ChaseState {
            reminders_off: true,
            status: InvoiceStatus::PartiallyPaid,
            ..chased
        }
        .hold(),
        Some(SkipReason::RemindersOff)
    );
}

#[test]
fn skip_reasons_round_trip_through_their_codes() {
    for reason in SkipReason::ALL {
        assert_eq!(SkipReason::from_code(reason.code()), Some(reason));
    }
}
