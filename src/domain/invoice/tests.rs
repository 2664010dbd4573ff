use super::*;
use proptest::prelude::*;

#[test]
fn quantities_and_rates_print_as_typed() {
    assert_eq!(Quantity::parse("2.50").unwrap().to_string(), "2.5");
    assert_eq!(Quantity::parse("3").unwrap().to_string(), "3");
    assert_eq!(Quantity::parse("0.125").unwrap().to_string(), "0.125");
    assert_eq!(Percent::parse("8.875%").unwrap().to_string(), "8.875");
    assert_eq!(Percent::parse("20").unwrap().to_string(), "20");
}

#[test]
fn quantities_and_rates_with_a_decimal_comma_read_alike() {
    assert_eq!(Quantity::parse("2,5").unwrap().to_string(), "2.5");
    assert_eq!(Quantity::parse("0,125").unwrap().to_string(), "0.125");
    assert_eq!(Quantity::parse("1.125").unwrap().to_string(), "1.125");
    assert_eq!(Quantity::parse("1,500,000").unwrap().to_string(), "1500000");
    assert_eq!(Quantity::parse("1.500,25").unwrap().to_string(), "1500.25");
    assert_eq!(Percent::parse("8,875 %").unwrap().to_string(), "8.875");
    assert_eq!(Percent::parse("7,7").unwrap().to_string(), "7.7");
    // 1,500 words or one and a half hours: asked, never guessed.
    assert_eq!(
        Quantity::parse("1,500").unwrap_err(),
        "“1,500” could be 1500 or 1.5: write one of those."
    );
    assert_eq!(
        Quantity::parse("2,5,0").unwrap_err(),
        "“2,5,0” is not a quantity (up to 3 decimals, like 1.5)."
    );
}

fn line(quantity: &str, unit_price_minor: i64) -> LineItem {
    LineItem {
        description: "Work".to_string(),
        quantity: Quantity::parse(quantity).unwrap(),
        unit_price_minor,
    }
}

#[test]
fn a_typical_invoice_adds_up() {
    // 2.5 h × $120.00 + 3 × $19.99, 10% off, 8.875% tax, $100 paid.
    let t = totals(
        Currency::USD,
        &[line("2.5", 12_000), line("3", 1_999)],
        Discount::Percent(Percent::parse("10").unwrap()),
        &[Percent::parse("8.875%").unwrap()],
        10_000,
    )
    .unwrap();
    assert_eq!(t.subtotal.minor(), 35_997);
    assert_eq!(t.discount.minor(), 3_600); // 3599.7 → 3600
    assert_eq!(t.tax.minor(), 2_875); // 32397 × 8.875% = 2875.23 → 2875
    assert_eq!(t.total.minor(), 35_272);
    assert_eq!(t.due.minor(), 25_272);
    assert_eq!(t.total.to_string(), "$352.72");
}

#[test]
fn each_line_rounds_half_away_from_zero() {
    // 0.333 × 1.00 = 0.333 → 0.33; 0.005 × 100.00 = 0.50; 1.5 × 0.01 = 0.015 → 0.02
    let t = totals(Currency::EUR, &[line("0.333", 100)], Discount::None, &[], 0).unwrap();
    assert_eq!(t.subtotal.minor(), 33);
    let t = totals(Currency::EUR, &[line("1.5", 1)], Discount::None, &[], 0).unwrap();
    assert_eq!(t.subtotal.minor(), 2);
}

#[test]
fn zero_and_three_decimal_currencies() {
    // JPY has no minor unit: 1.5 × ¥999 = 1498.5 → ¥1,499; 10% tax → ¥150 (149.9).
    let t = totals(
        Currency::JPY,
        &[line("1.5", 999)],
        Discount::None,
        &[Percent::parse("10").unwrap()],
        0,
    )
    .unwrap();
    assert_eq!(
        (
            t.subtotal.minor(),
            t.tax.minor(),
            t.total.to_string().as_str()
        ),
        (1_499, 150, "¥1,649")
    );
    // KWD has three decimals: 2 × 1.234 = 2.468; 5% tax = 0.1234 → 0.123.
    let t = totals(
        Currency::KWD,
        &[line("2", 1_234)],
        Discount::None,
        &[Percent::parse("5").unwrap()],
        0,
    )
    .unwrap();
    assert_eq!(
        (
            t.subtotal.minor(),
            t.tax.minor(),
            t.total.to_string().as_str()
        ),
        (2_468, 123, "KWD 2.591")
    );
}

#[test]
fn fixed_discounts_never_exceed_the_subtotal_and_overpayments_owe_nothing() {
    let t = totals(
        Currency::GBP,
        &[line("1", 5_000)],
        Discount::Fixed(9_000),
        &[],
        7_000,
    )
    .unwrap();
    assert_eq!(t.discount.minor(), 5_000);
    assert_eq!(t.total.minor(), 0);
    assert_eq!(t.due.minor(), 0);
}

#[test]
fn bad_input_is_refused_with_a_message() {
    assert_eq!(
        totals(Currency::USD, &[line("1", -5)], Discount::None, &[], 0),
        Err(TotalsError::NegativePrice)
    );
    assert_eq!(
        totals(Currency::USD, &[], Discount::None, &[], -1),
        Err(TotalsError::NegativePayment)
    );
    assert!(
        Quantity::parse("1.2345")
            .unwrap_err()
            .contains("up to 3 decimals")
    );
    assert!(Quantity::parse("-1").is_err());
    assert_eq!(
        Percent::parse("100.001").unwrap_err(),
        "A percentage can't be more than 100."
    );
    assert!(Percent::parse("abc").is_err());
    let huge = [line("1000000000", i64::MAX)];
    assert_eq!(
        totals(Currency::USD, &huge, Discount::None, &[], 0),
        Err(TotalsError::Overflow)
    );
}

fn any_line() -> impl Strategy<Value = LineItem> {
    (0_i64..10_000_000, 0_i64..100_000_000).prop_map(|(q, p)| LineItem {
        description: String::new(),
        quantity: Quantity::from_thousandths(q),
        unit_price_minor: p,
    })
}

fn any_discount() -> impl Strategy<Value = Discount> {
    prop_oneof![
        Just(Discount::None),
        (0_i64..=100_000).prop_map(|p| Discount::Percent(Percent::from_thousandths(p))),
        (0_i64..1_000_000_000).prop_map(Discount::Fixed),
    ]
}

proptest! {
    #[test]
    fn the_parts_always_add_up(
        lines in proptest::collection::vec(any_line(), 0..20),
        discount in any_discount(),
        rates in proptest::collection::vec((0_i64..=30_000).prop_map(Percent::from_thousandths), 0..3),
        paid in 0_i64..10_000_000_000,
    ) {
        let t = totals(Currency::USD, &lines, discount, &rates, paid).unwrap();
        prop_assert_eq!(t.total.minor(), t.subtotal.minor() - t.discount.minor() + t.tax.minor());
        prop_assert!(t.discount.minor() <= t.subtotal.minor());
        prop_assert!(t.due.minor() >= 0);
        prop_assert_eq!(t.due.minor(), (t.total.minor() - paid).max(0));
        prop_assert!(t.total.minor() >= 0);
        let lines = tax_amounts(t.subtotal.minor() - t.discount.minor(), &rates).unwrap();
        prop_assert_eq!(lines.iter().sum::<i64>(), t.tax.minor());
    }

    #[test]
    fn line_order_does_not_matter(mut lines in proptest::collection::vec(any_line(), 0..10), discount in any_discount()) {
        let forward = totals(Currency::EUR, &lines, discount, &[Percent::from_thousandths(20_000)], 0).unwrap();
        lines.reverse();
        let backward = totals(Currency::EUR, &lines, discount, &[Percent::from_thousandths(20_000)], 0).unwrap();
        prop_assert_eq!(forward, backward);
    }

    #[test]
    fn quantities_and_percentages_never_panic(text in "\\PC{0,20}") {
        let _ = Quantity::parse(&text);
        let _ = Percent::parse(&text);
    }
}

#[test]
fn a_part_of_an_invoice_shares_its_taxes_pro_rata_and_adds_up_exactly() {
    // 1,000.00 net + 20% VAT = 1,200.00; 120.00 of it is 100.00 net and 20.00 VAT.
    assert_eq!(
        pro_rata(12_000, 120_000, &[20_000]),
        Some((10_000, vec![2_000]))
    );
    // Two taxes and an amount that does not divide: each rounds, the net takes the rest.
    let (net, shares) = pro_rata(3_333, 11_498, &[500, 998]).unwrap();
    assert_eq!(shares, vec![145, 289]);
    assert_eq!(net + 145 + 289, 3_333);
    // Half a cent rounds up.
    assert_eq!(pro_rata(1, 2, &[1]), Some((0, vec![1])));
    // No taxes: all of it is net. Nothing to share from: no answer.
    assert_eq!(pro_rata(700, 5_000, &[]), Some((700, vec![])));
    assert_eq!(pro_rata(700, 0, &[]), None);
    // Figures at the edge of i64 still add up, in i128.
    let big = i64::MAX / 2;
    let (net, shares) = pro_rata(big, big, &[big / 5]).unwrap();
    assert_eq!(net + shares[0], big);
}
