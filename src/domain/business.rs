//! The seller as an invoice must name them: legal name, address, country, tax or VAT number
//! and contact, with how to pay by bank and the defaults new invoices start from. Every field
//! is optional; what is set appears on the invoice page, the client's page, the emails and the
//! PDF.

use serde::{Deserialize, Serialize};

use super::country::Country;
use super::email::EmailAddress;
use super::tax::Tax;
use super::text::{self, Shape};

/// What the Business form sends, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessInput {
    pub legal_name: String,
    pub address: String,
    /// A two-letter country code, or empty.
    pub country: String,
    pub tax_id: String,
    pub email: String,
    pub phone: String,
    pub payment_instructions: String,
    /// As the invoice editor takes them: "VAT 20%", or "GST 5%, QST 9.975%".
    pub default_taxes: String,
    pub default_notes: String,
    pub footer: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessProfile {
    pub legal_name: Option<String>,
    pub address: Option<String>,
    pub country: Option<Country>,
    pub tax_id: Option<String>,
    pub email: Option<EmailAddress>,
    pub phone: Option<String>,
    /// Bank details (IBAN, sort code…): shown when the invoice has no Stripe link, and beside
    /// it otherwise.
    pub payment_instructions: Option<String>,
    #[serde(default)]
    pub default_taxes: Vec<Tax>,
    pub default_notes: Option<String>,
    pub footer: Option<String>,
}

/// Messages per field; empty when the input is valid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessErrors {
    pub legal_name: Option<String>,
    pub address: Option<String>,
    pub country: Option<String>,
    pub tax_id: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub payment_instructions: Option<String>,
    pub default_taxes: Option<String>,
    pub default_notes: Option<String>,
    pub footer: Option<String>,
}

impl BusinessErrors {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A tax or VAT number as tax authorities print them: letters, digits, spaces, dots, dashes
/// and slashes ("FR 12 345678901", "GB123456789", "12-3456789").
pub fn parse_tax_id(text: &str) -> Result<Option<String>, String> {
    let Some(id) = text::optional(text, 30, Shape::OneLine, "tax number")? else {
        return Ok(None);
    };
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '-' | '/');
    if !id.chars().all(allowed) || !id.chars().any(|c| c.is_ascii_digit()) {
        return Err(format!(
            "“{id}” doesn't look like a tax number: use the letters and digits your tax authority gave."
        ));
    }
    Ok(Some(id))
}

/// A country picked from the list, or none.
pub fn parse_country(text: &str) -> Result<Option<Country>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    Country::parse(text).map(Some)
}

fn parse_phone(text: &str) -> Result<Option<String>, String> {
    let Some(phone) = text::optional(text, 30, Shape::OneLine, "phone number")? else {
        return Ok(None);
    };
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '.' | '(' | ')');
    if !phone.chars().all(allowed) || phone.chars().filter(char::is_ascii_digit).count() < 5 {
        return Err(format!(
            "“{phone}” is not a phone number (digits, spaces and + - ( ) only)."
        ));
    }
    Ok(Some(phone))
}

impl BusinessInput {
    pub fn parse(&self) -> Result<BusinessProfile, Box<BusinessErrors>> {
        let mut errors = BusinessErrors::default();
        let field = |result: Result<Option<String>, String>, slot: &mut Option<String>| {
            result.map_err(|m| *slot = Some(m)).ok().flatten()
        };
        let legal_name = field(
            text::optional(&self.legal_name, 200, Shape::OneLine, "legal name"),
            &mut errors.legal_name,
        );
        let address = field(
            text::optional(&self.address, 500, Shape::Lines, "address"),
            &mut errors.address,
        );
        let tax_id = field(parse_tax_id(&self.tax_id), &mut errors.tax_id);
        let phone = field(parse_phone(&self.phone), &mut errors.phone);
        let payment_instructions = field(
            text::optional(
                &self.payment_instructions,
                1000,
                Shape::Lines,
                "payment instructions",
            ),
            &mut errors.payment_instructions,
        );
        let default_notes = field(
            text::optional(&self.default_notes, 2000, Shape::Lines, "default notes"),
            &mut errors.default_notes,
        );
        let footer = field(
            text::optional(&self.footer, 500, Shape::Lines, "footer"),
            &mut errors.footer,
        );
        let country = parse_country(&self.country)
            .map_err(|m| errors.country = Some(m))
            .ok()
            .flatten();
        let email = match self.email.trim() {
            "" => None,
            text => EmailAddress::parse(text)
                .map_err(|m| errors.email = Some(m))
                .ok(),
        };
        let default_taxes = Tax::parse_list(&self.default_taxes)
            .map_err(|m| errors.default_taxes = Some(m))
            .unwrap_or_default();
        if !errors.is_empty() {
            return Err(Box::new(errors));
        }
        Ok(BusinessProfile {
            legal_name,
            address,
            country,
            tax_id,
            email,
            phone,
            payment_instructions,
            default_taxes,
            default_notes,
            footer,
        })
    }
}

impl BusinessProfile {
    /// The form's text for this profile, to edit it again.
    pub fn to_input(&self) -> BusinessInput {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        BusinessInput {
            legal_name: text(&self.legal_name),
            address: text(&self.address),
            country: self
                .country
                .map(|c| c.code().to_string())
                .unwrap_or_default(),
            tax_id: text(&self.tax_id),
            email: self
                .email
                .as_ref()
                .map(|e| e.as_str().to_string())
                .unwrap_or_default(),
            phone: text(&self.phone),
            payment_instructions: text(&self.payment_instructions),
            default_taxes: Tax::list_text(&self.default_taxes),
            default_notes: text(&self.default_notes),
            footer: text(&self.footer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> BusinessInput {
        BusinessInput {
            legal_name: " Łukasz Müller Design SARL ".to_string(),
            address: "12 rue de la Paix\n75002 Paris".to_string(),
            country: "fr".to_string(),
            tax_id: "FR 12 345678901".to_string(),
            email: "billing@muller.example".to_string(),
            phone: "+33 1 23 45 67 89".to_string(),
            payment_instructions: "IBAN FR76 3000 6000 0112 3456 7890 189".to_string(),
            default_taxes: "TVA 20%".to_string(),
            default_notes: "Thank you!".to_string(),
            footer: "SARL au capital de 1 000 €".to_string(),
        }
    }

    #[test]
    fn a_full_profile_is_read_and_prints_back_the_same() {
        let profile = filled().parse().unwrap();
        assert_eq!(
            profile.legal_name.as_deref(),
            Some("Łukasz Müller Design SARL")
        );
        assert_eq!(profile.country.map(Country::code), Some("FR"));
        assert_eq!(profile.default_taxes[0].label(), "TVA 20%");
        assert_eq!(profile.to_input().parse().unwrap(), profile);
    }

    #[test]
    fn an_empty_form_is_an_empty_profile() {
        assert_eq!(
            BusinessInput::default().parse().unwrap(),
            BusinessProfile::default()
        );
    }

    #[test]
    fn each_bad_field_gets_its_own_message() {
        let bad = BusinessInput {
            legal_name: "x".repeat(201),
            country: "Narnia".to_string(),
            tax_id: "VAT <script>".to_string(),
            email: "not an address".to_string(),
            phone: "call me".to_string(),
            default_taxes: "VAT".to_string(),
            ..filled()
        };
        let errors = bad.parse().unwrap_err();
        assert!(errors.legal_name.unwrap().contains("under 200"));
        assert!(errors.country.unwrap().contains("Narnia"));
        assert!(errors.tax_id.unwrap().contains("tax number"));
        assert!(errors.email.is_some());
        assert!(errors.phone.unwrap().contains("phone number"));
        assert!(errors.default_taxes.unwrap().contains("needs a rate"));
        assert!(errors.address.is_none());
    }
}
