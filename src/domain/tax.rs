//! Taxes by name: an invoice says "VAT 20%" or "GST 5%" and "QST 9.975%", one line each,
//! because most tax authorities require each tax to be named on the invoice. What each one
//! amounts to comes from `invoice::totals`, so the lines always add up to the tax total.

use serde::{Deserialize, Serialize};

use super::country::Country;
use super::invoice::Percent;
use super::text;

/// The most taxes one invoice carries (Canada's GST + QST is the usual most).
pub const MAX_TAXES: usize = 3;
const MAX_NAME_CHARS: usize = 40;
/// The name of a tax given only as a rate ("20"), and of rates stored before taxes had names.
pub const UNNAMED: &str = "Tax";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tax {
    pub name: String,
    pub rate: Percent,
}

/// Invoices saved before taxes had names hold bare rates; they read as taxes named "Tax".
impl<'de> Deserialize<'de> for Tax {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Stored {
            Named { name: String, rate: Percent },
            Bare(Percent),
        }
        Ok(match Stored::deserialize(deserializer)? {
            Stored::Named { name, rate } => Tax { name, rate },
            Stored::Bare(rate) => Tax {
                name: UNNAMED.to_string(),
                rate,
            },
        })
    }
}

impl Tax {
    /// One tax as typed: "VAT 20%", "QST 9.975", or a bare "20" (named "Tax"). The rate is
    /// the last word; everything before it is the name.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        // "20 %", as French is written, is the same rate as "20%".
        let without_percent = text.strip_suffix('%').map_or(text, str::trim_end);
        let (name, rate) = match without_percent.rsplit_once(char::is_whitespace) {
            Some((name, rate)) => (name.trim(), rate),
            None => ("", without_percent),
        };
        let rate = Percent::parse(rate).map_err(|why| {
            // A number that is no rate (over 100, four decimals) is told as such; a word is a
            // missing rate.
            if rate.chars().any(|c| c.is_ascii_digit()) {
                format!("“{text}”: {}", lowercase_first(&why))
            } else {
                format!("“{text}” needs a rate at the end, like “VAT 20%” or “GST 5”.")
            }
        })?;
        let name = if name.is_empty() { UNNAMED } else { name };
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(format!(
                "Keep a tax's name under {MAX_NAME_CHARS} characters."
            ));
        }
        let name = text::clean(name, text::Shape::OneLine, "tax's name")?;
        Ok(Self { name, rate })
    }

    /// Several taxes separated by commas: "GST 5%, QST 9.975%". Empty text is no tax. A comma
    /// between two digits is a decimal comma ("MWST 7,7%" is one tax, not 7% twice).
    pub fn parse_list(text: &str) -> Result<Vec<Self>, String> {
        let taxes = split_list(text)
            .into_iter()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(Self::parse)
            .collect::<Result<Vec<_>, _>>()?;
        if taxes.len() > MAX_TAXES {
            return Err(format!("Up to {MAX_TAXES} taxes per invoice."));
        }
        // Every tax applies to the whole invoice, so one named twice is charged twice.
        for (at, tax) in taxes.iter().enumerate() {
            if taxes[..at]
                .iter()
                .any(|earlier| earlier.name.to_lowercase() == tax.name.to_lowercase())
            {
                return Err(format!(
                    "“{}” is listed twice; each tax applies to the whole invoice, so name it once.",
                    tax.name
                ));
            }
        }
        Ok(taxes)
    }

    /// What `parse_list` reads back: "GST 5%, QST 9.975%".
    pub fn list_text(taxes: &[Self]) -> String {
        taxes.iter().map(Self::label).collect::<Vec<_>>().join(", ")
    }

    /// The tax as the invoice shows it: "VAT 20%".
    pub fn label(&self) -> String {
        format!("{} {}%", self.name, self.rate)
    }

    pub fn rates(taxes: &[Self]) -> Vec<Percent> {
        taxes.iter().map(|t| t.rate).collect()
    }
}

fn lowercase_first(sentence: &str) -> String {
    let mut chars = sentence.chars();
    chars
        .next()
        .map(|first| first.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `text` cut at each comma that is not a decimal comma.
fn split_list(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    let mut start = 0;
    for (at, byte) in bytes.iter().enumerate() {
        let between_digits = at > 0
            && bytes[at - 1].is_ascii_digit()
            && bytes.get(at + 1).is_some_and(u8::is_ascii_digit);
        if *byte == b',' && !between_digits {
            parts.push(&text[start..at]);
            start = at + 1;
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Whether the invoice must say that the client accounts for the VAT (EU reverse charge):
/// a business client (it has a VAT number) in another EU country, and no tax charged.
pub fn is_reverse_charge(
    seller_country: Option<Country>,
    client_country: Option<Country>,
    client_has_tax_id: bool,
    taxes: &[Tax],
) -> bool {
    let in_eu = |country: Option<Country>| country.is_some_and(|c| is_eu_country(c.code()));
    client_has_tax_id
        && taxes.iter().all(|t| t.rate.thousandths() == 0)
        && in_eu(seller_country)
        && in_eu(client_country)
        && seller_country != client_country
}

/// The sentence a reverse-charged invoice carries (Article 226(11a) of the VAT Directive).
pub const REVERSE_CHARGE_NOTE: &str = "Reverse charge: VAT to be accounted for by the recipient (Article 196, Directive 2006/112/EC).";

/// ISO 3166-1 alpha-2 codes of the EU member states.
fn is_eu_country(code: &str) -> bool {
    const EU: [&str; 27] = [
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
        "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    ];
    EU.contains(&code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(code: &str) -> Option<Country> {
        Some(Country::parse(code).unwrap())
    }

    fn tax(name: &str, rate: &str) -> Tax {
        Tax {
            name: name.to_string(),
            rate: Percent::parse(rate).unwrap(),
        }
    }

    #[test]
    fn taxes_are_read_as_typed_and_print_back_the_same() {
        let taxes = Tax::parse_list(" GST 5%, QST 9.975 ").unwrap();
        assert_eq!(taxes, vec![tax("GST", "5"), tax("QST", "9.975")]);
        assert_eq!(Tax::list_text(&taxes), "GST 5%, QST 9.975%");
        assert_eq!(Tax::parse_list(&Tax::list_text(&taxes)).unwrap(), taxes);
        assert_eq!(
            Tax::parse("Sales tax (NY) 8.875%").unwrap(),
            tax("Sales tax (NY)", "8.875")
        );
        assert_eq!(Tax::parse("20").unwrap(), tax("Tax", "20"));
        assert_eq!(Tax::parse_list("  ").unwrap(), vec![]);
        assert_eq!(
            Tax::parse_list("MWST 7,7%").unwrap(),
            vec![tax("MWST", "7.7")]
        );
        assert_eq!(
            Tax::parse_list("GST 5,QST 9,975").unwrap(),
            vec![tax("GST", "5"), tax("QST", "9.975")]
        );
        assert_eq!(
            Tax::parse_list("TVA 20 %, Timbre 0,5 %").unwrap(),
            vec![tax("TVA", "20"), tax("Timbre", "0.5")]
        );
    }

    #[test]
    fn a_tax_without_a_rate_or_with_too_many_is_refused_with_a_message() {
        assert!(Tax::parse("VAT").unwrap_err().contains("needs a rate"));
        assert!(Tax::parse("VAT twenty").unwrap_err().contains("VAT twenty"));
        // A rate that is a number but no rate says what is wrong with it.
        assert_eq!(
            Tax::parse("VAT 2000%").unwrap_err(),
            "“VAT 2000%”: a percentage can't be more than 100."
        );
        assert!(
            Tax::parse("QST 9.9751")
                .unwrap_err()
                .contains("up to 3 decimals"),
            "{:?}",
            Tax::parse("QST 9.9751")
        );
        assert!(Tax::parse(&format!("{} 5", "x".repeat(41))).is_err());
        assert_eq!(
            Tax::parse("VAT\u{202E} 20%").unwrap_err(),
            "Remove the invisible text-direction character (U+202E) from the tax's name: it \
             shows the text in another order than it is saved."
        );
        assert_eq!(
            Tax::parse("VAT\u{7} 20%").unwrap_err(),
            "Remove the invisible control character (U+0007) from the tax's name."
        );
        assert_eq!(
            Tax::parse("Sales\ntax 5%").unwrap_err(),
            "Keep the tax's name on one line."
        );
        assert_eq!(
            Tax::parse_list("A 1, B 2, C 3, D 4").unwrap_err(),
            "Up to 3 taxes per invoice."
        );
    }

    #[test]
    fn a_tax_named_twice_is_refused_since_it_would_be_charged_twice() {
        for twice in [
            "VAT 20%, VAT 20%",
            "VAT 20%, vat 5%",
            "5, 7",
            "GST 5%, QST 9.975%, GST 5%",
        ] {
            let refused = Tax::parse_list(twice).unwrap_err();
            assert!(refused.contains("is listed twice"), "{twice}: {refused}");
        }
        assert_eq!(
            Tax::parse_list("VAT 20%, vat 5%").unwrap_err(),
            "“vat” is listed twice; each tax applies to the whole invoice, so name it once."
        );
        assert_eq!(Tax::parse_list("GST 5%, QST 9.975%").unwrap().len(), 2);
    }

    #[test]
    fn rates_stored_before_names_read_as_unnamed_taxes() {
        let stored = serde_json::json!([5000, { "name": "VAT", "rate": 20000 }]);
        let taxes: Vec<Tax> = serde_json::from_value(stored).unwrap();
        assert_eq!(taxes, vec![tax("Tax", "5"), tax("VAT", "20")]);
    }

    #[test]
    fn reverse_charge_applies_to_untaxed_business_clients_in_another_eu_country() {
        let none: [Tax; 0] = [];
        assert!(is_reverse_charge(c("FR"), c("DE"), true, &none));
        assert!(is_reverse_charge(
            c("FR"),
            c("DE"),
            true,
            &[tax("VAT", "0")]
        ));
        assert!(!is_reverse_charge(c("FR"), c("DE"), false, &none));
        assert!(!is_reverse_charge(c("FR"), c("FR"), true, &none));
        assert!(!is_reverse_charge(c("FR"), c("US"), true, &none));
        assert!(!is_reverse_charge(None, c("DE"), true, &none));
        assert!(!is_reverse_charge(
            c("FR"),
            c("DE"),
            true,
            &[tax("VAT", "20")]
        ));
    }
}
