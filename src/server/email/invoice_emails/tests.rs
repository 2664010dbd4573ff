use super::*;
use crate::domain::reminder_policy::ReminderPolicy;

fn facts() -> InvoiceFacts {
    InvoiceFacts {
        sender_name: "Ada <Lovelace>".to_string(),
        sender_email: "ada@example.com".to_string(),
        client_name: "Babbage & Co".to_string(),
        number: "INV-0042".to_string(),
        amount_due: "$1,250.00".to_string(),
        total: "$1,250.00".to_string(),
        due_date: CalendarDate::parse("2026-12-10").unwrap(),
        today: CalendarDate::parse("2026-12-17").unwrap(),
        link: "https://paytrack.test/i/tok?a=1&b=2".to_string(),
        pay_url: None,
        pdf_url: Some("https://paytrack.test/i/tok/pdf".to_string()),
        logo_url: None,
        seller_lines: Vec::new(),
    }
}

fn with_stripe() -> InvoiceFacts {
    InvoiceFacts {
        pay_url: Some("https://buy.stripe.com/test_abc?x=1&y=2".to_string()),
        ..facts()
    }
}

#[test]
fn with_a_stripe_link_the_client_is_sent_to_pay_there_and_can_still_view_the_invoice() {
    let email = invoice_email(&with_stripe());
    assert!(
        email
            .text
            .contains("Pay $1,250.00 now: https://buy.stripe.com/test_abc?x=1&y=2")
    );
    assert!(
        email
            .text
            .contains("View the invoice: https://paytrack.test/i/tok?a=1&b=2")
    );
    assert!(
        email
            .html
            .contains(r#"href="https://buy.stripe.com/test_abc?x=1&amp;y=2""#)
    );
    assert!(email.html.contains("Pay $1,250.00 now"));

    // In a reminder, {{pay_link}} is Stripe's page, and the links are not repeated under it.
    let policy = ReminderPolicy::default();
    let step = &policy.steps()[2];
    let reminder = reminder_email(&with_stripe(), step);
    assert!(
        reminder
            .text
            .contains("https://buy.stripe.com/test_abc?x=1&y=2")
    );
    assert_eq!(
        reminder.text.matches("buy.stripe.com").count(),
        1,
        "{}",
        reminder.text
    );
    // Without Stripe, {{pay_link}} is the invoice's page.
    let reminder = reminder_email(&facts(), step);
    assert!(
        reminder
            .text
            .contains("https://paytrack.test/i/tok?a=1&b=2")
    );
    assert!(!reminder.text.contains("stripe"));
}

#[test]
fn a_receipt_thanks_the_client_and_offers_nothing_to_pay() {
    let paid = InvoiceFacts {
        amount_due: "$0.00".to_string(),
        ..facts()
    };
    let receipt = receipt_email(
        &paid,
        "$1,250.00",
        CalendarDate::parse("2026-12-12").unwrap(),
    );
    assert_eq!(
        receipt.subject,
        "Receipt: invoice INV-0042 from Ada <Lovelace> is paid"
    );
    assert!(receipt.text.contains(
        "your payment of $1,250.00 for invoice INV-0042 was received on Sat 12 Dec 2026"
    ));
    assert!(receipt.html.contains("View the invoice"));
    assert!(!receipt.html.contains("Pay "));
    assert!(receipt.html.contains("Babbage &amp; Co"));
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
    // Replies may go to PayTrack's reply address: the user's own stays in sight.
    assert!(email.text.contains("or write to ada@example.com."));
    assert!(email.html.contains("or write to ada@example.com."));
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

#[test]
fn invoice_and_reminder_emails_link_the_pdf() {
    let email = invoice_email(&facts());
    assert!(
        email
            .text
            .contains("Download it as a PDF: https://paytrack.test/i/tok/pdf")
    );
    assert!(
        email
            .html
            .contains(r#"href="https://paytrack.test/i/tok/pdf""#)
    );
    let policy = ReminderPolicy::default();
    let reminder = reminder_email(&facts(), &policy.steps()[0]);
    assert!(reminder.html.contains("Download the invoice as a PDF"));
    let without_link = InvoiceFacts {
        pdf_url: None,
        ..facts()
    };
    assert!(!invoice_email(&without_link).html.contains("PDF"));
}

#[test]
fn the_business_profile_shows_as_the_logo_and_the_small_print() {
    let branded = InvoiceFacts {
        logo_url: Some("https://paytrack.test/logos/u/v".to_string()),
        seller_lines: vec![
            "Müller & Söhne SARL".to_string(),
            "Tax ID: FR 12 345678901".to_string(),
        ],
        ..facts()
    };
    let email = invoice_email(&branded);
    assert!(
        email
            .html
            .contains(r#"<img src="https://paytrack.test/logos/u/v""#)
    );
    assert!(
        email
            .html
            .contains("Müller &amp; Söhne SARL<br>Tax ID: FR 12 345678901")
    );
    assert!(!invoice_email(&facts()).html.contains("<img"));
}

#[test]
fn a_credit_note_email_says_what_is_cancelled_and_offers_nothing_to_pay() {
    // A voided invoice: no client page, no Stripe link, no PDF link (the file is attached).
    let voided = InvoiceFacts {
        link: "https://paytrack.test".to_string(),
        pdf_url: None,
        amount_due: "$0.00".to_string(),
        ..facts()
    };
    let note = crate::domain::credit_note::CreditNoteView {
        number: "CN-0007".to_string(),
        issued_on: CalendarDate::parse("2026-12-18").unwrap(),
        emailed_to: None,
        email_retrying: false,
        reduces: None,
    };
    let email = credit_note_email(&voided, &note);
    assert_eq!(
        email.subject,
        "Credit note CN-0007 from Ada <Lovelace>: invoice INV-0042 is cancelled"
    );
    assert!(email.text.starts_with("Hi Babbage & Co,"), "{}", email.text);
    assert!(
        email
            .text
            .contains("Invoice INV-0042 for $1,250.00 is cancelled: nothing is owed on it."),
        "{}",
        email.text
    );
    assert!(
        email
            .text
            .contains("Reply to this email to reach Ada <Lovelace>")
    );
    // The summary is the credit note's; names are escaped; there is no button and no due date.
    for row in [
        "Credit note",
        "CN-0007",
        "Cancels invoice",
        "Amount credited",
    ] {
        assert!(email.html.contains(row), "{row}");
    }
    assert!(email.html.contains("Ada &lt;Lovelace&gt;") && !email.html.contains("<Lovelace>"));
    assert!(email.html.contains("Babbage &amp; Co"));
    for absent in [
        "Amount due",
        "Pay ",
        "View the invoice",
        "Download the invoice",
    ] {
        assert!(!email.html.contains(absent), "{absent}");
        assert!(!email.text.contains(absent), "{absent}");
    }
}

#[test]
fn a_reducing_credit_note_email_says_what_was_taken_off_and_what_is_left() {
    use crate::domain::credit_note::{CreditNoteView, Reduces};
    use crate::domain::money::{Currency, Money};
    let usd = |minor| Money::from_minor(minor, Currency::USD);
    let mut note = CreditNoteView {
        number: "CN-0008".to_string(),
        issued_on: CalendarDate::parse("2026-12-18").unwrap(),
        emailed_to: None,
        email_retrying: false,
        reduces: Some(Reduces {
            amount: usd(25_000),
            reason: "one <day> less".to_string(),
            owed_after: usd(100_000),
        }),
    };
    let email = credit_note_email(&facts(), &note);
    assert_eq!(
        email.subject,
        "Credit note CN-0008 from Ada <Lovelace>: invoice INV-0042 is reduced by $250.00"
    );
    assert!(
        email.text.contains(
            "Invoice INV-0042 is reduced by $250.00 (one <day> less). Left to pay on it: $1,000.00."
        ),
        "{}",
        email.text
    );
    for row in [
        "Reduces invoice",
        "Amount credited",
        "$250.00",
        "Left to pay",
        "$1,000.00",
    ] {
        assert!(email.html.contains(row), "{row}");
    }
    assert!(email.html.contains("one &lt;day&gt; less") && !email.html.contains("<day>"));
    assert!(!email.html.contains("Cancels invoice"));
    // All that was left taken off: nothing to pay.
    note.reduces = Some(Reduces {
        owed_after: usd(0),
        ..note.reduces.clone().unwrap()
    });
    let email = credit_note_email(&facts(), &note);
    assert!(
        email.text.contains("Nothing is left to pay on it."),
        "{}",
        email.text
    );
}
