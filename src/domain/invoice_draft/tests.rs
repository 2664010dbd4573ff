use super::*;
use proptest::prelude::*;

fn input() -> InvoiceInput {
    InvoiceInput {
        client_id: "abc".to_string(),
        issue_date: "2026-11-01".to_string(),
        due_date: "2026-11-15".to_string(),
        currency: "USD".to_string(),
        lines: vec![
            LineInput {
                description: "Design".to_string(),
                quantity: "2.5".to_string(),
                unit_price: "80".to_string(),
            },
            LineInput {
                description: "Hosting".to_string(),
                quantity: "1".to_string(),
                unit_price: "12.99".to_string(),
            },
        ],
        discount_kind: "percent".to_string(),
        discount_value: "10".to_string(),
        taxes: "GST 5%, QST 9.975%".to_string(),
        notes: " Thanks! ".to_string(),
        ..InvoiceInput::default()
    }
}

#[test]
fn a_complete_form_becomes_a_draft_with_its_totals() {
    let draft = input().parse().unwrap();
    assert_eq!(draft.lines.len(), 2);
    assert_eq!(draft.notes.as_deref(), Some("Thanks!"));
    let totals = draft.totals(0).unwrap();
    // 200.00 + 12.99 = 212.99; −10% = 21.30 (21.299 rounds up); base 191.69;
    // 5% = 9.58 (9.5845), 9.975% = 19.12 (19.1211); total 220.39.
    assert_eq!(totals.subtotal.minor(), 21_299);
    assert_eq!(totals.discount.minor(), 2_130);
    assert_eq!(totals.tax.minor(), 958 + 1_912);
    assert_eq!(totals.total.minor(), 22_039);
}

#[test]
fn a_due_date_years_away_is_a_mistyped_year_but_five_years_is_a_term() {
    let mut typo = input();
    typo.due_date = "2062-11-15".to_string();
    assert_eq!(
        typo.parse().unwrap_err().due_date.as_deref(),
        Some("The due date is more than five years after the issue date: check its year.")
    );
    let mut long = input();
    long.due_date = "2031-11-01".to_string();
    assert_eq!(long.parse().unwrap().due_date.to_string(), "2031-11-01");
    long.due_date = "2032-01-01".to_string();
    assert!(long.parse().is_err());
}

#[test]
fn each_bad_field_gets_its_own_message() {
    let mut bad = input();
    bad.client_id = " ".to_string();
    bad.due_date = "2026-10-01".to_string();
    bad.lines[1].quantity = "1.2345".to_string();
    bad.lines[0].unit_price = "-5".to_string();
    bad.discount_value = "120".to_string();
    bad.taxes = "GST 5, abc".to_string();
    let errors = bad.parse().unwrap_err();
    assert!(errors.client.is_some());
    assert_eq!(
        errors.due_date.as_deref(),
        Some("The due date can't be before the issue date.")
    );
    assert!(
        errors.lines[0]
            .unit_price
            .as_deref()
            .unwrap()
            .contains("negative")
    );
    assert!(errors.lines[0].quantity.is_none());
    assert!(
        errors.lines[1]
            .quantity
            .as_deref()
            .unwrap()
            .contains("1.2345")
    );
    assert!(errors.discount.as_deref().unwrap().contains("100"));
    assert!(errors.taxes.as_deref().unwrap().contains("abc"));
}

#[test]
fn an_invoice_needs_lines_and_a_known_currency() {
    let mut bad = input();
    bad.lines.clear();
    bad.currency = "XYZ".to_string();
    let errors = bad.parse().unwrap_err();
    assert!(errors.line_items.is_some());
    assert!(errors.currency.is_some());
    bad = input();
    bad.lines = vec![LineInput::default(); MAX_LINES + 1];
    assert!(bad.parse().unwrap_err().line_items.unwrap().contains("100"));
}

#[test]
fn yen_prices_take_no_decimals() {
    let mut yen = input();
    yen.currency = "JPY".to_string();
    let errors = yen.parse().unwrap_err();
    assert!(
        errors.lines[1]
            .unit_price
            .as_deref()
            .unwrap()
            .contains("JPY")
    );
    yen.lines[1].unit_price = "1300".to_string();
    yen.discount_kind = "fixed".to_string();
    yen.discount_value = "500".to_string();
    let draft = yen.parse().unwrap();
    assert_eq!(draft.discount, Discount::Fixed(500));
}

#[test]
fn the_preview_counts_what_can_be_read_and_agrees_with_the_draft() {
    let form = input();
    let (preview, amounts) = form.preview().unwrap();
    assert_eq!(preview, form.parse().unwrap().totals(0).unwrap());
    assert_eq!(amounts[0].unwrap().minor(), 20_000);

    let mut typing = input();
    typing.lines[1].unit_price = "12.".to_string();
    typing.lines[0].description = String::new();
    typing.discount_value = "1O".to_string();
    let (preview, amounts) = typing.preview().unwrap();
    assert_eq!(amounts[0].unwrap().minor(), 20_000, "no description yet");
    assert_eq!(amounts[1].unwrap().minor(), 1_200);
    assert_eq!(
        preview.discount.minor(),
        0,
        "unreadable discount counts as none"
    );
    typing.currency = String::new();
    assert!(typing.preview().is_none());
}

#[test]
fn a_fixed_discount_goes_up_to_the_subtotal_and_no_further() {
    // The subtotal is $212.99.
    let mut form = input();
    form.discount_kind = "fixed".to_string();
    form.discount_value = "212.99".to_string();
    let draft = form.parse().unwrap();
    assert_eq!(draft.totals(0).unwrap().total.minor(), 0);

    form.discount_value = "213".to_string();
    let errors = form.parse().unwrap_err();
    assert_eq!(
        errors.discount.as_deref(),
        Some("A discount can't be more than the subtotal ($212.99).")
    );
}

#[test]
fn unknown_discount_kinds_are_refused() {
    let mut bad = input();
    bad.discount_kind = "bogus".to_string();
    assert!(bad.parse().unwrap_err().discount.unwrap().contains("bogus"));
}

proptest! {
    #[test]
    fn a_draft_reads_back_to_itself(
        // Up to 100 units at up to $1,000 on five lines, taxes on top: under the ceiling of
        // one payment (that refusal has its own test).
        quantities in prop::collection::vec(0i64..100_000, 1..6),
        prices in prop::collection::vec(0i64..100_000, 6),
        rate in 0i64..100_000,
        fixed in any::<bool>(),
    ) {
        let mut form = input();
        form.lines = quantities.iter().zip(&prices).map(|(q, p)| LineInput {
            description: "Item".to_string(),
            quantity: format!("{}.{:03}", q / 1000, q % 1000),
            unit_price: Money::from_minor(*p, Currency::USD).to_decimal_string(),
        }).collect();
        if fixed {
            // Up to the subtotal: more is refused (its own test).
            form.discount_kind = "none".to_string();
            let subtotal = form.parse().unwrap().totals(0).unwrap().subtotal.minor();
            form.discount_kind = "fixed".to_string();
            form.discount_value =
                Money::from_minor(rate.min(subtotal), Currency::USD).to_decimal_string();
        } else {
            form.discount_value = format!("{}.{:03}", rate / 1000, rate % 1000);
        }
        let draft = form.parse().unwrap();
        let again = draft.to_input().parse().unwrap();
        prop_assert_eq!(&again, &draft);
        let totals = draft.totals(0).unwrap();
        prop_assert_eq!(totals.total.minor(), totals.subtotal.minor() - totals.discount.minor() + totals.tax.minor());
    }
}

#[test]
fn an_invoice_over_what_one_payment_can_be_is_refused_on_the_field_that_does_it() {
    // $999,999.99 is the most: exactly that is fine.
    let mut at_the_ceiling = input();
    at_the_ceiling.lines.truncate(1);
    at_the_ceiling.lines[0].quantity = "1".to_string();
    at_the_ceiling.lines[0].unit_price = "999999.99".to_string();
    at_the_ceiling.discount_kind = "none".to_string();
    at_the_ceiling.taxes = String::new();
    assert_eq!(
        at_the_ceiling
            .parse()
            .unwrap()
            .totals(0)
            .unwrap()
            .total
            .minor(),
        MAX_TOTAL_MINOR
    );

    // The second line takes it over: the message is on that line's price.
    let mut over = input();
    over.discount_kind = "none".to_string();
    over.taxes = String::new();
    over.lines[0].quantity = "1".to_string();
    over.lines[0].unit_price = "999000".to_string();
    over.lines[1].unit_price = "1000".to_string();
    let errors = over.parse().unwrap_err();
    assert!(errors.lines[0].is_empty(), "{errors:?}");
    let message = errors.lines[1].unit_price.as_deref().unwrap();
    assert!(message.contains("$999,999.99"), "{message}");

    // Lines under it, taxes over it: the message is on the taxes.
    let mut taxed = at_the_ceiling.clone();
    taxed.taxes = "VAT 20%".to_string();
    let errors = taxed.parse().unwrap_err();
    assert!(errors.lines.iter().all(LineErrors::is_empty), "{errors:?}");
    assert!(
        errors
            .taxes
            .as_deref()
            .unwrap()
            .contains("the most one payment can be")
    );
}

#[test]
fn a_service_period_is_kept_checked_against_the_issue_date_and_edited_again() {
    let draft = input().parse().unwrap();
    assert_eq!(draft.service_period, None, "none unless given");

    let month = InvoiceInput {
        service_from: "2026-10-01".to_string(),
        service_to: "2026-10-31".to_string(),
        ..input()
    };
    let draft = month.parse().unwrap();
    let period = draft.service_period.unwrap();
    assert_eq!(period.to_string(), "2026-10-01 to 2026-10-31");
    let again = draft.to_input();
    assert_eq!(
        (again.service_from.as_str(), again.service_to.as_str()),
        ("2026-10-01", "2026-10-31")
    );
    assert_eq!(again.parse().unwrap(), draft);

    let errors = InvoiceInput {
        service_from: "2006-10-01".to_string(),
        ..input()
    }
    .parse()
    .unwrap_err();
    assert!(
        errors
            .service_period
            .as_deref()
            .unwrap()
            .contains("check its year"),
        "{errors:?}"
    );
    assert_eq!(
        *errors,
        InvoiceErrors {
            service_period: errors.service_period.clone(),
            lines: vec![LineErrors::default(); 2],
            ..InvoiceErrors::default()
        },
        "only the service date is wrong"
    );
}
