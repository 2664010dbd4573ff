use super::*;
use crate::domain::money::Currency;

fn eur(minor: i64) -> Money {
    Money::from_minor(minor, Currency::EUR)
}

fn input(amount: &str, reason: &str) -> ReductionInput {
    ReductionInput {
        amount: amount.to_string(),
        reason: reason.to_string(),
    }
}

#[test]
fn credit_notes_count_in_their_own_series_and_name_the_invoice() {
    assert_eq!(credit_note_number(1), "CN-0001");
    assert_eq!(credit_note_number(12_345), "CN-12345");
    let mut note = CreditNoteView {
        number: credit_note_number(7),
        issued_on: CalendarDate::parse("2026-12-05").unwrap(),
        emailed_to: None,
        email_retrying: false,
        reduces: None,
    };
    let issued = CalendarDate::parse("2026-11-01").unwrap();
    assert_eq!(
        note.says("INV-0042", issued),
        "This credit note cancels invoice INV-0042 of 2026-11-01 in full: nothing is owed on it."
    );
    note.reduces = Some(Reduces {
        amount: eur(12_000),
        reason: "one day less than invoiced".to_string(),
        owed_after: eur(38_000),
    });
    assert_eq!(
        note.says("INV-0042", issued),
        "This credit note reduces invoice INV-0042 of 2026-11-01 by €120.00 (one day less than invoiced). Left to pay on the invoice after it: €380.00."
    );
    assert_eq!(
        note.listed().as_deref(),
        Some(
            " of Sat 5 Dec 2026: −€120.00 (one day less than invoiced). Left to pay after it: €380.00"
        )
    );
    note.reduces = None;
    assert_eq!(
        note.listed(),
        None,
        "a cancelling note is not listed as a reduction"
    );
}

#[test]
fn a_reduction_takes_off_part_of_what_is_owed_and_says_why() {
    let reduction = input("120", "  one day\n less  ")
        .parse(eur(50_000), eur(50_000))
        .unwrap();
    assert_eq!(reduction.amount, eur(12_000));
    assert_eq!(reduction.reason, "one day less");
    // All of what is left, once something was paid or credited, settles the invoice.
    let rest = input("200.00", "goodwill")
        .parse(eur(20_000), eur(50_000))
        .unwrap();
    assert_eq!(rest.amount, eur(20_000));
}

#[test]
fn a_reduction_refuses_what_a_credit_note_cannot_take_off() {
    let refused = |amount: &str, reason: &str, due: i64, total: i64| {
        *input(amount, reason)
            .parse(eur(due), eur(total))
            .unwrap_err()
    };
    let errors = refused("0", "x", 50_000, 50_000);
    assert_eq!(
        errors.amount.as_deref(),
        Some("Enter an amount above zero.")
    );
    let errors = refused("-5", "x", 50_000, 50_000);
    assert_eq!(
        errors.amount.as_deref(),
        Some("Enter an amount above zero.")
    );
    let errors = refused("500.01", "x", 50_000, 60_000);
    assert!(
        errors
            .amount
            .unwrap()
            .starts_with("That is more than the €500.00 still owed")
    );
    let errors = refused("500", "x", 50_000, 50_000);
    assert!(errors.amount.unwrap().contains("void it instead"));
    let errors = refused("twelve", "x", 50_000, 50_000);
    assert!(errors.amount.unwrap().contains("is not an amount"));
    let errors = refused("10", " \n ", 50_000, 50_000);
    assert_eq!(errors.amount, None);
    assert!(errors.reason.unwrap().starts_with("Say why"));
    let errors = refused("10", &"x".repeat(REASON_LIMIT + 1), 50_000, 50_000);
    assert_eq!(
        errors.reason.as_deref(),
        Some("Keep the reason under 200 characters.")
    );
    // Both wrong: both said at once.
    let errors = refused("", "", 50_000, 50_000);
    assert!(errors.amount.is_some() && errors.reason.is_some());
}
