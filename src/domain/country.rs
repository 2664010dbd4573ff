//! Countries, by their ISO 3166-1 alpha-2 code: where a seller or a client is, which decides
//! the paper size of the PDF and whether the EU reverse charge applies.

mod list;

use serde::{Deserialize, Serialize};

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
    fn north_america_prints_on_letter_and_europe_on_a4() {
        assert!(Country::parse("US").unwrap().uses_letter_paper());
        assert!(!Country::parse("DE").unwrap().uses_letter_paper());
    }
}
