use mongodb::bson::DateTime;
use mongodb::bson::oid::ObjectId;

use super::*;
use crate::domain::date::day as date;
use crate::domain::invoice::{Discount, LineItem, Quantity};
use crate::domain::money::Currency;
use crate::server::db::invoices::{BillTo, ReminderPause};
use crate::server::jobs::plan::to_bson;

/// Paris: 09:00 local is 08:00 UTC in winter.
fn user() -> UserDoc {
    UserDoc {
        id: ObjectId::new(),
        email: "ada@example.com".to_string(),
        name: "Ada Lovelace".to_string(),
        picture: None,
        picture_removed: false,
        time_zone: "Europe/Paris".to_string(),
        created_at: DateTime::now(),
        google_id: None,
        invoice_prefix: None,
        numbering: None,
        reminders: None,
        billing: None,
        business: None,
        logo: None,
        reminder_step_cap: None,
    }
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// €500 due on 10 December 2026, sent on 1 December unless a draft.
fn invoice(user: &UserDoc, status: InvoiceStatus) -> InvoiceDoc {
    let sent = (status != InvoiceStatus::Draft).then(|| to_bson(at("2026-12-01T10:00:00Z")));
    InvoiceDoc {
        id: ObjectId::new(),
        user_id: user.id,
        client_id: ObjectId::new(),
        sequence: 7,
        number: "INV-0007".to_string(),
        seller: None,
        series: None,
        bill_to: BillTo {
            name: "Lovelace Labs".to_string(),
            company: None,
            address: None,
            country: None,
            tax_id: None,
            emails: vec!["accounts@lovelace.test".to_string()],
        },
        client_sort: "lovelace labs".to_string(),
        search: "inv-0007 lovelace labs".to_string(),
        status,
        issue_date: date("2026-12-01"),
        due_date: date("2026-12-10"),
        service_period: None,
        currency: Currency::EUR,
        lines: vec![LineItem {
            description: "Analysis".to_string(),
            quantity: Quantity::parse("4").unwrap(),
            unit_price_minor: 12_500,
        }],
        discount: Discount::None,
        taxes: Vec::new(),
        notes: None,
        subtotal_minor: 50_000,
        discount_minor: 0,
        tax_minor: 0,
        total_minor: 50_000,
        paid_minor: 0,
        due_minor: 50_000,
        payments: Vec::new(),
        public_token: Some("tok".to_string()),
        reply_token: None,
        send_token: None,
        created_at: DateTime::now(),
        updated_at: DateTime::now(),
        sent_at: sent,
        paid_on: None,
        voided_at: None,
        credit_note: None,
        reductions: Vec::new(),
        credited_minor: 0,
        written_off_at: None,
        reminders_paused: None,
        snoozed_until: None,
        promises: Vec::new(),
        stripe: None,
        stripe_check_at: None,
        email_pending_since: None,
        extra_payments: Vec::new(),
        retired_links: Vec::new(),
        quiet_links_until: None,
    }
}

fn job(invoice: &InvoiceDoc, step: &str, state: JobState, due: &str) -> EmailJobDoc {
    let mut job = EmailJobDoc::scheduled(invoice.user_id, invoice.id, step, to_bson(at(due)));
    job.state = state;
    job.to = invoice.bill_to.emails.clone();
    job
}

fn item<'a>(reminders: &'a InvoiceReminders, step: &str) -> &'a TimelineItem {
    reminders
        .timeline
        .iter()
        .find(|i| i.step == step)
        .unwrap_or_else(|| panic!("no {step} in {:?}", reminders.timeline))
}

const BASE: &str = "https://paytrack.example.com";

#[test]
fn a_draft_plans_the_invoice_email_and_every_step_of_the_policy() {
    let user = user();
    let draft = invoice(&user, InvoiceStatus::Draft);
    let built = build(&user, &draft, None, &[], BASE, at("2026-12-01T09:00:00Z"));
    assert_eq!(built.state, "draft");
    assert_eq!(built.summary, "Reminders start once the invoice is sent.");
    let steps: Vec<&str> = built.timeline.iter().map(|i| i.step.as_str()).collect();
    assert_eq!(
        steps,
        [
            "invoice",
            "reminder:-3",
            "reminder:0",
            "reminder:3",
            "reminder:7",
            "reminder:14"
        ]
    );
    assert_eq!(
        item(&built, "invoice").note,
        "Goes out when you send the invoice."
    );
    // Three days before the due date, at 09:00 in the user's zone.
    assert_eq!(item(&built, "reminder:-3").when, "Mon 7 Dec 2026, 09:00");
    assert!(item(&built, "reminder:0").subject.contains("INV-0007"));
    for step in &built.timeline[1..] {
        assert_eq!(step.status, TimelineStatus::Planned, "{step:?}");
        assert_eq!(
            step.note,
            "Goes out if the invoice is sent before this day."
        );
    }
    assert!(!built.can_pause && !built.can_resume && !built.can_snooze);
}

#[test]
fn a_draft_past_some_of_its_steps_tells_which_would_still_go_out() {
    let user = user();
    let draft = invoice(&user, InvoiceStatus::Draft);
    // The due date (10 Dec) has passed; 13 Dec is 3 days after it, today in Paris.
    let built = build(&user, &draft, None, &[], BASE, at("2026-12-13T07:00:00Z"));
    assert_eq!(built.summary, "Reminders start once the invoice is sent.");
    for step in ["reminder:-3", "reminder:0", "reminder:3"] {
        let item = item(&built, step);
        assert_eq!(item.status, TimelineStatus::Skipped, "{step}");
        assert_eq!(
            item.note,
            "Not sent: its day has come and the invoice is still a draft."
        );
    }
    for step in ["reminder:7", "reminder:14"] {
        assert_eq!(item(&built, step).status, TimelineStatus::Planned, "{step}");
    }
    assert_eq!(item(&built, "reminder:7").when, "Thu 17 Dec 2026, 09:00");
}

#[test]
fn a_sent_invoice_tells_what_went_out_and_names_the_next_reminder() {
    let user = user();
    let open = invoice(&user, InvoiceStatus::Open);
    let mut sent = job(&open, "invoice", JobState::Sent, "2026-12-01T10:00:00Z");
    sent.sent_at = Some(to_bson(at("2026-12-01T10:00:05Z")));
    sent.provider_id = Some("re_123".to_string());
    sent.delivery = Some("delivered".to_string());
    let built = build(
        &user,
        &open,
        None,
        &[sent],
        BASE,
        at("2026-12-02T09:00:00Z"),
    );
    let first = item(&built, "invoice");
    assert_eq!(first.status, TimelineStatus::Sent);
    assert_eq!(first.note, "To accounts@lovelace.test, delivered.");
    assert_eq!(first.email_id.as_deref(), Some("re_123"));
    assert_eq!(built.state, "active");
    assert_eq!(
        built.summary,
        "Reminders are on. Next: Mon 7 Dec 2026, 09:00 (Europe/Paris)."
    );
    assert!(built.can_pause && !built.can_resume && built.can_snooze);
}

#[test]
fn a_paused_invoice_shows_every_reminder_skipped_and_why() {
    let user = user();
    let mut open = invoice(&user, InvoiceStatus::Open);
    open.reminders_paused = Some(ReminderPause {
        reason: PauseReason::Paused,
        at: DateTime::now(),
    });
    // A job still scheduled for a held invoice is cancelled when its time comes: the hold is
    // what the owner reads.
    let planned = job(
        &open,
        "reminder:0",
        JobState::Scheduled,
        "2026-12-10T08:00:00Z",
    );
    let built = build(
        &user,
        &open,
        None,
        &[planned],
        BASE,
        at("2026-12-02T09:00:00Z"),
    );
    assert_eq!(built.state, "paused");
    let on_the_day = item(&built, "reminder:0");
    assert_eq!(on_the_day.status, TimelineStatus::Skipped);
    assert!(on_the_day.note.contains("paused"), "{}", on_the_day.note);
    assert!(!built.can_pause && built.can_resume);
}

#[test]
fn a_settling_payment_holds_reminders_and_cannot_be_resumed_by_hand() {
    let user = user();
    let mut open = invoice(&user, InvoiceStatus::Open);
    open.reminders_paused = Some(ReminderPause {
        reason: PauseReason::Processing,
        at: DateTime::now(),
    });
    let built = build(&user, &open, None, &[], BASE, at("2026-12-02T09:00:00Z"));
    assert_eq!(built.state, "processing");
    assert!(!built.can_resume);
}

#[test]
fn snoozing_is_told_until_its_day_and_a_failure_and_a_retry_say_what_happened() {
    let user = user();
    let mut open = invoice(&user, InvoiceStatus::Open);
    open.snoozed_until = Some(date("2026-12-12"));
    let mut failed = job(
        &open,
        "reminder:-3",
        JobState::Failed,
        "2026-12-07T08:00:00Z",
    );
    failed.reason = Some("the address does not exist".to_string());
    let mut retrying = job(
        &open,
        "reminder:0",
        JobState::Scheduled,
        "2026-12-10T08:05:00Z",
    );
    retrying.attempts = 1;
    retrying.reason = Some("timeout".to_string());
    let jobs = [failed, retrying];
    let built = build(&user, &open, None, &jobs, BASE, at("2026-12-10T08:01:00Z"));
    assert_eq!(built.state, "snoozed");
    assert_eq!(
        built.summary,
        "Snoozed: no reminder before Sat 12 Dec 2026."
    );
    assert!(built.can_resume);
    let before = item(&built, "reminder:-3");
    assert_eq!(before.status, TimelineStatus::Failed);
    assert_eq!(
        before.note,
        "Could not be sent to accounts@lovelace.test: the address does not exist"
    );
    let on_the_day = item(&built, "reminder:0");
    assert_eq!(on_the_day.status, TimelineStatus::Retrying);
    assert!(on_the_day.note.contains("(timeout)"), "{}", on_the_day.note);

    // Past the snooze, with every step's time gone by and nothing planned any more.
    let later = build(&user, &open, None, &jobs, BASE, at("2027-01-30T09:00:00Z"));
    assert_eq!(later.state, "active");
    assert_eq!(
        item(&later, "reminder:14").note,
        "Due now: goes out within a minute."
    );
}

#[test]
fn a_paid_invoice_is_done_and_a_step_removed_from_the_policy_stays_if_it_went_out() {
    let user = user();
    let paid = invoice(&user, InvoiceStatus::Paid);
    let mut old_step = job(&paid, "reminder:30", JobState::Sent, "2027-01-09T08:00:00Z");
    old_step.sent_at = Some(to_bson(at("2027-01-09T08:00:02Z")));
    let built = build(
        &user,
        &paid,
        None,
        &[old_step],
        BASE,
        at("2027-02-01T09:00:00Z"),
    );
    assert_eq!(built.state, "done");
    assert_eq!(built.summary, "Paid: nothing more is sent.");
    let removed = item(&built, "reminder:30");
    assert_eq!(removed.status, TimelineStatus::Sent);
    // Its text is not in today's policy, so nothing is previewed for it.
    assert!(removed.subject.is_empty());
    assert_eq!(item(&built, "reminder:7").status, TimelineStatus::Skipped);
    assert!(!built.can_pause && !built.can_snooze);
}

fn promised(day: &str) -> crate::server::db::invoices::PromiseDoc {
    crate::server::db::invoices::PromiseDoc {
        day: date(day),
        made_at: to_bson(at("2026-12-02T12:00:00Z")),
        cleared_at: None,
        followed_up_by: None,
    }
}

#[test]
fn a_pending_promise_moves_the_next_reminder_to_the_morning_after_its_day() {
    let user = user();
    let mut open = invoice(&user, InvoiceStatus::Open);
    open.promises = vec![promised("2026-12-18")];
    let built = build(&user, &open, None, &[], BASE, at("2026-12-03T09:00:00Z"));
    assert_eq!(built.state, "promised");
    assert_eq!(
        built.summary,
        "Your client promised to pay by Fri 18 Dec 2026: reminders wait until Sat 19 Dec 2026."
    );
    let promise = built.promise.as_ref().unwrap();
    assert_eq!(promise.outcome, crate::domain::promise::Outcome::Pending);
    assert_eq!(promise.made_on, date("2026-12-02"));
    // The reminders before the 19th wait for it; the later ones keep their days.
    assert_eq!(item(&built, "reminder:-3").when, "Sat 19 Dec 2026, 09:00");
    assert_eq!(item(&built, "reminder:14").when, "Thu 24 Dec 2026, 09:00");
    assert!(!item(&built, "reminder:-3").subject.contains("planned"));
}

#[test]
fn after_a_missed_promise_one_reminder_says_so_and_the_rest_follow_the_policy() {
    let user = user();
    let mut open = invoice(&user, InvoiceStatus::Open);
    open.promises = vec![promised("2026-12-11")];
    let built = build(&user, &open, None, &[], BASE, at("2026-12-12T07:00:00Z"));
    assert_eq!(built.state, "active");
    assert_eq!(
        built.promise.as_ref().map(|p| p.outcome),
        Some(crate::domain::promise::Outcome::Broken)
    );
    let tells: Vec<&str> = built
        .timeline
        .iter()
        .filter(|i| i.subject.contains("you planned to pay on Fri 11 Dec 2026"))
        .map(|i| i.step.as_str())
        .collect();
    assert_eq!(tells, ["reminder:-3"], "the next to go out, only");

    // Once a step is named, that one says it, whatever comes first.
    open.promises[0].followed_up_by = Some("reminder:3".to_string());
    let built = build(&user, &open, None, &[], BASE, at("2026-12-12T07:00:00Z"));
    let tells: Vec<&str> = built
        .timeline
        .iter()
        .filter(|i| i.subject.contains("you planned to pay on"))
        .map(|i| i.step.as_str())
        .collect();
    assert_eq!(tells, ["reminder:3"]);
}
