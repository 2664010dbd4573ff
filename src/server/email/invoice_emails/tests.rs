use super::*;
use crate::domain::reminder_policy::ReminderPolicy;

fn facts() -> InvoiceFacts {
    InvoiceFacts {
        sender_name: "Ada <Lovelace>".to_string(),
        client_name: "Babbage & Co".to_string(),
        number: "INV-0042".to_string(),
        amount_due: "$1,250.00".to_string(),
        total: "$1,250.00".to_string(),
        due_date: CalendarDate::parse("2026-12-10").unwrap(),
        today: CalendarDate::parse("2026-12-17").unwrap(),
        link: "https://paytrack.test/i/tok?a=1&b=2".to_string(),
    }
}

#[test]
fn the_invoice_email_says_what_when_and_where_in_both_parts() {
    let email = invoice_email(&facts());
    assert_eq!(
        email.subject,
        "Invoice INV-0042 from Ada <Lovelace>: $1,250.00 due Thu 10 Dec 2026"
    );
    assert!(email.text.contains("https://paytrack.test/i/tok?a=1&b=2"));
    assert!(email.text.contains("Hi Babbage & Co,"));
    assert!(
        email
            .html
            .contains("https://paytrack.test/i/tok?a=1&amp;b=2")
    );
    assert!(email.html.contains("Ada &lt;Lovelace&gt;"));
    assert!(email.html.contains("Babbage &amp; Co"));
    assert!(!email.html.contains("<Lovelace>"));
}

#[test]
fn a_reminder_renders_the_step_with_days_overdue() {
    let policy = ReminderPolicy::default();
    let step = policy.steps().iter().find(|s| s.offset_days == 7).unwrap();
    let email = reminder_email(&facts(), step);
    assert_eq!(
        email.subject,
        "Reminder: invoice INV-0042 is 7 days overdue"
    );
    assert!(email.text.starts_with("Hi Babbage & Co,"));
    assert!(email.text.contains("due on Thu 10 Dec 2026"));
    assert!(email.html.contains("Hi Babbage &amp; Co,"));
    assert!(email.html.contains("View and pay invoice"));
}
