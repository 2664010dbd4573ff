use super::*;
use proptest::prelude::*;

fn money(text: &str, currency: Currency) -> Money {
    Money::parse(text, currency).unwrap()
}

#[test]
fn amounts_parse_into_minor_units_per_currency() {
    assert_eq!(money("1,234.56", Currency::USD).minor(), 123_456);
    assert_eq!(money("12.5", Currency::EUR).minor(), 1_250);
    assert_eq!(money("12", Currency::GBP).minor(), 1_200);
    assert_eq!(money(".5", Currency::USD).minor(), 50);
    assert_eq!(money("1500", Currency::JPY).minor(), 1_500);
    assert_eq!(money("1.234", Currency::KWD).minor(), 1_234);
    assert_eq!(money("-3.00", Currency::CHF).minor(), -300);
    assert_eq!(money(" 7 ", Currency::SEK).minor(), 700);
    // With the currency's own sign, as PayTrack shows amounts or as people type them.
    assert_eq!(money("$1,200", Currency::USD).minor(), 120_000);
    assert_eq!(money("-€3.50", Currency::EUR).minor(), -350);
    assert_eq!(money("80 €", Currency::EUR).minor(), 8_000);
    assert_eq!(money("CHF 12.50", Currency::CHF).minor(), 1_250);
    assert_eq!(money("USD 5", Currency::USD).minor(), 500);
    assert_eq!(money("$12", Currency::CAD).minor(), 1_200);
    assert_eq!(money("CA$12", Currency::CAD).minor(), 1_200);
}

#[test]
fn amounts_written_the_european_way_parse_too() {
    assert_eq!(money("12,50", Currency::EUR).minor(), 1_250);
    assert_eq!(money("12,5", Currency::EUR).minor(), 1_250);
    assert_eq!(money("1.234,56", Currency::EUR).minor(), 123_456);
    assert_eq!(money("1 234,56 €", Currency::EUR).minor(), 123_456);
    assert_eq!(money("-0,99", Currency::SEK).minor(), -99);
    assert_eq!(money("CHF 1'250.50", Currency::CHF).minor(), 125_050);
    assert_eq!(money("1.234.567", Currency::JPY).minor(), 1_234_567);
    // A lone comma before three digits groups thousands, as PayTrack writes amounts.
    assert_eq!(money("1,500", Currency::EUR).minor(), 150_000);
    assert_eq!(money("1,500", Currency::KWD).minor(), 1_500_000);
    // A lone point before three digits is KWD's decimal point, and is not guessed at otherwise.
    assert_eq!(money("1.500", Currency::KWD).minor(), 1_500);
    assert_eq!(
        Money::parse("1.500", Currency::EUR).unwrap_err(),
        "EUR amounts have at most 2 decimal places: for 1500, leave out the point."
    );
    assert_eq!(
        Money::parse("2.000", Currency::JPY).unwrap_err(),
        "JPY has no decimal places: for 2000, leave out the point."
    );
    assert_eq!(
        Money::parse("12,345", Currency::USD).map(Money::minor),
        Ok(1_234_500)
    );
    assert_eq!(
        Money::parse("12,3456", Currency::KWD).unwrap_err(),
        "KWD amounts have at most 3 decimal places."
    );
}

#[test]
fn another_currencys_sign_is_named() {
    for (input, currency) in [
        ("€5", Currency::USD),
        ("$5", Currency::EUR),
        ("CA$5", Currency::USD),
        ("5 £", Currency::JPY),
    ] {
        assert_eq!(
            Money::parse(input, currency).unwrap_err(),
            format!(
                "“{input}” is in another currency: this amount is in {}.",
                currency.code()
            ),
        );
    }
}

#[test]
fn malformed_amounts_say_what_is_wrong() {
    let cases = [
        ("", Currency::USD, "Enter an amount."),
        (
            "12.3456",
            Currency::USD,
            "USD amounts have at most 2 decimal places.",
        ),
        (
            "12.345",
            Currency::USD,
            "USD amounts have at most 2 decimal places: for 12345, leave out the point.",
        ),
        ("12.5", Currency::JPY, "JPY has no decimal places."),
        (
            "1.2345",
            Currency::KWD,
            "KWD amounts have at most 3 decimal places.",
        ),
        (
            "99999999999999999999",
            Currency::USD,
            "That amount is too large.",
        ),
    ];
    for (input, currency, message) in cases {
        assert_eq!(
            Money::parse(input, currency).unwrap_err(),
            message,
            "{input}"
        );
    }
    for input in [
        "abc", "1,23.00", "12,34,5", "1.2.3", "€", "€€5", "1e5", "--1", ".", "-€-5", "1,5.0",
    ] {
        let err = Money::parse(input, Currency::EUR).unwrap_err();
        assert!(err.contains("is not an amount"), "{input}: {err}");
    }
}

#[test]
fn amounts_display_with_symbol_grouping_and_exact_decimals() {
    assert_eq!(money("1234.5", Currency::USD).to_string(), "$1,234.50");
    assert_eq!(money("-3", Currency::EUR).to_string(), "-€3.00");
    assert_eq!(money("1234567", Currency::JPY).to_string(), "¥1,234,567");
    assert_eq!(money("12.5", Currency::CHF).to_string(), "CHF 12.50");
    assert_eq!(money("0.005", Currency::KWD).to_string(), "KWD 0.005");
    assert_eq!(money("999.99", Currency::GBP).to_string(), "£999.99");
    assert_eq!(
        Money::from_minor(i64::MIN, Currency::USD).to_string(),
        "-$92,233,720,368,547,758.08"
    );
}

#[test]
fn arithmetic_refuses_mixed_currencies_and_overflow() {
    let usd = money("1", Currency::USD);
    let eur = money("1", Currency::EUR);
    assert_eq!(
        usd.checked_add(eur),
        Err(MoneyError::CurrencyMismatch(Currency::USD, Currency::EUR))
    );
    let max = Money::from_minor(i64::MAX, Currency::USD);
    assert_eq!(max.checked_add(usd), Err(MoneyError::Overflow));
    assert_eq!(usd.checked_sub(usd), Ok(Money::zero(Currency::USD)));
}

#[test]
fn currency_codes_parse_case_insensitively() {
    assert_eq!(Currency::parse(" eur "), Ok(Currency::EUR));
    assert_eq!(
        Currency::parse("XYZ").unwrap_err(),
        "PayTrack doesn't invoice in “XYZ” yet."
    );
    for currency in Currency::ALL {
        assert_eq!(Currency::parse(currency.code()), Ok(currency));
    }
}

fn any_currency() -> impl Strategy<Value = Currency> {
    proptest::sample::select(Currency::ALL.to_vec())
}

proptest! {
    #[test]
    fn decimal_text_round_trips(minor in -1_000_000_000_000_i64..1_000_000_000_000, currency in any_currency()) {
        let amount = Money::from_minor(minor, currency);
        prop_assert_eq!(Money::parse(&amount.to_decimal_string(), currency), Ok(amount));
    }

    #[test]
    fn displayed_text_round_trips_without_the_prefix(minor in 0_i64..1_000_000_000_000, currency in any_currency()) {
        let amount = Money::from_minor(minor, currency);
        let shown = amount.to_string();
        let number = shown.trim_start_matches(|c: char| !c.is_ascii_digit());
        prop_assert_eq!(Money::parse(number, currency), Ok(amount));
    }

    #[test]
    fn displayed_text_round_trips(minor in -1_000_000_000_000_i64..1_000_000_000_000, currency in any_currency()) {
        let amount = Money::from_minor(minor, currency);
        prop_assert_eq!(Money::parse(&amount.to_string(), currency), Ok(amount));
    }

    #[test]
    fn adding_then_subtracting_gives_back_the_start(a in -1_000_000_000_000_i64..1_000_000_000_000, b in -1_000_000_000_000_i64..1_000_000_000_000) {
        let x = Money::from_minor(a, Currency::EUR);
        let y = Money::from_minor(b, Currency::EUR);
        prop_assert_eq!(x.checked_add(y).and_then(|s| s.checked_sub(y)), Ok(x));
    }

    #[test]
    fn parsing_never_panics(input in "\\PC{0,40}", currency in any_currency()) {
        let _ = Money::parse(&input, currency);
    }
}
