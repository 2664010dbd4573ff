use super::*;
use proptest::prelude::*;

fn number(whole: &str, fraction: &str) -> Written {
    Written::Number(Digits {
        whole: whole.to_string(),
        fraction: fraction.to_string(),
    })
}

#[test]
fn either_convention_reads_to_the_same_digits() {
    for text in [
        "1234.5",
        "1,234.5",
        "1234,5",
        "1.234,5",
        "1 234,5",
        "1\u{a0}234,5",
        "1\u{202f}234,5",
        "1'234.5",
        " 1.234,5 ",
    ] {
        assert_eq!(read(text), number("1234", "5"), "{text}");
    }
    assert_eq!(read("1.234.567,89"), number("1234567", "89"));
    assert_eq!(read("1,234,567.89"), number("1234567", "89"));
    assert_eq!(read("1.234.567"), number("1234567", ""));
    assert_eq!(read("1 234 567"), number("1234567", ""));
    assert_eq!(read(",5"), number("", "5"));
    assert_eq!(read("12."), number("12", ""));
    assert_eq!(read("7"), number("7", ""));
}

#[test]
fn a_lone_separator_before_three_digits_is_unclear() {
    let grouped = Digits {
        whole: "1500".to_string(),
        fraction: String::new(),
    };
    let decimal = Digits {
        whole: "1".to_string(),
        fraction: "500".to_string(),
    };
    assert_eq!(
        read("1,500"),
        Written::Unclear {
            separator: ',',
            grouped: grouped.clone(),
            decimal: decimal.clone(),
        }
    );
    assert_eq!(
        read("1.500"),
        Written::Unclear {
            separator: '.',
            grouped,
            decimal,
        }
    );
    // Only one reading fits: four digits before it, or a leading zero, can't be grouping.
    assert_eq!(read("1234,567"), number("1234", "567"));
    assert_eq!(read("0,125"), number("0", "125"));
    assert_eq!(read("1,50"), number("1", "50"));
}

#[test]
fn broken_groups_and_strangers_are_not_numbers() {
    for text in [
        "",
        " ",
        ".",
        ",",
        "1,23.00",
        "12,34,5",
        "1.2.3",
        "1,234,5",
        "1.234.56,7",
        "1,234.567,8",
        "1.234 567,8",
        "12 34",
        "1e5",
        "abc",
        "1-2",
        "½",
        "1,,2",
        "1..2",
        "٣",
    ] {
        assert_eq!(read(text), Written::NotANumber, "{text:?}");
    }
}

proptest! {
    #[test]
    fn reading_never_panics(text in "\\PC{0,40}") {
        let _ = read(&text);
    }

    #[test]
    fn grouped_the_european_way_reads_as_written_the_english_way(whole in 1_000_u64..10_000_000_000, fraction in 0_u32..100) {
        let english = group(whole, ',');
        let european = group(whole, '.');
        let expected = number(&whole.to_string(), &format!("{fraction:02}"));
        prop_assert_eq!(read(&format!("{english}.{fraction:02}")), expected.clone());
        prop_assert_eq!(read(&format!("{european},{fraction:02}")), expected);
    }
}

fn group(value: u64, separator: char) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}
