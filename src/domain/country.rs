//! Countries, by their ISO 3166-1 alpha-2 code: where a seller or a client is, which decides
//! the paper size of the PDF and whether the EU reverse charge applies, and, with the country a
//! time zone is in, which currency a new client is likely billed in.

mod list;

use serde::{Deserialize, Serialize};

use super::money::Currency;

/// `zone<TAB>code` lines, generated from tzdata (`scripts/lib/time_zone_countries.py`).
const TIME_ZONES: &str = include_str!("country/time_zones.tab");

/// Who pays in each currency PayTrack bills in: the euro area (Bulgaria since 2026) with its
/// outermost regions and the countries that use the euro by agreement or on their own; the
/// dependencies of the UK, the US, Australia, Norway and Denmark with their own.
const CURRENCIES: &[(Currency, &[&str])] = &[
    (
        Currency::EUR,
        &[
            "AT", "BE", "BG", "CY", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "IE", "IT", "LT",
            "LU", "LV", "MT", "NL", "PT", "SI", "SK", "AD", "MC", "SM", "VA", "ME", "AX", "GF",
            "GP", "MQ", "RE", "YT", "PM", "BL", "MF",
        ],
    ),
    (Currency::GBP, &["GB", "IM", "JE", "GG"]),
    (
        Currency::USD,
        &["US", "PR", "VI", "GU", "AS", "MP", "UM", "EC", "SV"],
    ),
    (Currency::CAD, &["CA"]),
    (Currency::AUD, &["AU", "CX", "CC", "NF"]),
    (Currency::CHF, &["CH", "LI"]),
    (Currency::JPY, &["JP"]),
    (Currency::SEK, &["SE"]),
    (Currency::NOK, &["NO", "SJ"]),
    (Currency::DKK, &["DK", "GL", "FO"]),
    (Currency::PLN, &["PL"]),
    (Currency::INR, &["IN"]),
    (Currency::BRL, &["BR"]),
    (Currency::MXN, &["MX"]),
    (Currency::KWD, &["KW"]),
];

/// Stored and sent as its code ("FR").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country(&'static str);

impl Country {
    /// A two-letter code in either case ("fr", "FR"); anything else is refused.
    pub fn parse(text: &str) -> Result<Self, String> {
        let code = text.trim().to_ascii_uppercase();
        list::COUNTRIES
            .iter()
            .find(|(known, _)| *known == code)
            .map(|(known, _)| Self(known))
            .ok_or_else(|| format!("“{}” is not a country PayTrack knows.", text.trim()))
    }

    pub fn code(self) -> &'static str {
        self.0
    }

    pub fn name(self) -> &'static str {
        list::COUNTRIES
            .iter()
            .find(|(code, _)| *code == self.0)
            .map_or(self.0, |(_, name)| name)
    }

    /// Every country, by name, for a picker.
    pub fn all() -> impl Iterator<Item = Self> {
        list::COUNTRIES.iter().map(|(code, _)| Self(code))
    }

    /// The country IANA time zone `zone` is in ("Europe/Berlin" → DE; old names such as
    /// "Asia/Calcutta" too); none for zones of no one country ("UTC", "Etc/GMT+5").
    pub fn of_time_zone(zone: &str) -> Option<Self> {
        TIME_ZONES
            .lines()
            .filter_map(|line| line.split_once('\t'))
            .find(|(known, _)| *known == zone)
            .and_then(|(_, code)| Self::parse(code).ok())
    }

    /// The currency the country pays in, among those PayTrack bills in.
    pub fn currency(self) -> Option<Currency> {
        CURRENCIES
            .iter()
            .find(|(_, codes)| codes.contains(&self.0))
            .map(|(currency, _)| *currency)
    }

    /// Where invoices are printed on US Letter rather than A4.
    pub fn uses_letter_paper(self) -> bool {
        matches!(
            self.0,
            "US" | "CA" | "MX" | "PH" | "CL" | "CO" | "VE" | "GT" | "PR"
        )
    }
}

impl Serialize for Country {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Self::parse(&code).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_in_any_case_and_named() {
        let france = Country::parse(" fr ").unwrap();
        assert_eq!((france.code(), france.name()), ("FR", "France"));
        assert_eq!(Country::parse("GB").unwrap().name(), "United Kingdom");
        assert!(Country::parse("XX").unwrap_err().contains("XX"));
        assert!(Country::parse("France").is_err());
        assert_eq!(Country::all().count(), 249);
    }

    #[test]
    fn stored_codes_read_back_and_unknown_ones_are_refused() {
        let stored = serde_json::to_value(Country::parse("de").unwrap()).unwrap();
        assert_eq!(stored, "DE");
        let read: Country = serde_json::from_value(stored).unwrap();
        assert_eq!(read.code(), "DE");
        assert!(serde_json::from_value::<Country>(serde_json::json!("ZZ")).is_err());
    }

    #[test]
    fn a_time_zone_names_its_country_and_the_country_its_currency() {
        let of = |zone| Country::of_time_zone(zone).map(Country::code);
        assert_eq!(of("Europe/Berlin"), Some("DE"));
        assert_eq!(of("America/Argentina/Buenos_Aires"), Some("AR"));
        // Old names, as some browsers still report them.
        assert_eq!(of("Asia/Calcutta"), Some("IN"));
        assert_eq!(of("Europe/Kiev"), Some("UA"));
        assert_eq!(of("US/Eastern"), Some("US"));
        for nowhere in ["UTC", "Etc/GMT+5", "Europe", "", "Mars/Olympus"] {
            assert_eq!(of(nowhere), None, "{nowhere}");
        }
        // Every country a zone names is one PayTrack knows.
        for line in TIME_ZONES.lines().filter(|l| !l.starts_with('#')) {
            let (zone, code) = line.split_once('\t').unwrap();
            assert!(Country::parse(code).is_ok(), "{zone} {code}");
        }

        let currency = |code| Country::parse(code).unwrap().currency();
        assert_eq!(currency("DE"), Some(Currency::EUR));
        assert_eq!(currency("BG"), Some(Currency::EUR));
        assert_eq!(currency("GB"), Some(Currency::GBP));
        assert_eq!(currency("LI"), Some(Currency::CHF));
        assert_eq!(currency("KW"), Some(Currency::KWD));
        assert_eq!(currency("UA"), None);
        for (currency, codes) in CURRENCIES {
            for code in *codes {
                assert!(Country::parse(code).is_ok(), "{currency:?}: {code}");
            }
        }
    }

    #[test]
    fn north_america_prints_on_letter_and_europe_on_a4() {
        assert!(Country::parse("US").unwrap().uses_letter_paper());
        assert!(!Country::parse("DE").unwrap().uses_letter_paper());
    }
}
