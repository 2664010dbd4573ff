//! The people and companies a user bills. The form sends a `ClientInput` of raw text; `parse`
//! turns it into a `Client` or field-level messages for the form to show next to each field.

use serde::{Deserialize, Serialize};

use super::business::{parse_country, parse_tax_id};
use super::country::Country;
use super::email::EmailAddress;
use super::money::Currency;
use super::text::{self, Shape};

/// What the client form sends, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientInput {
    pub name: String,
    /// One or more addresses separated by commas or new lines; the first is the main one.
    pub emails: String,
    pub company: String,
    pub address: String,
    /// A two-letter country code, or empty.
    #[serde(default)]
    pub country: String,
    /// The client's tax or VAT number, for business clients.
    #[serde(default)]
    pub tax_id: String,
    pub currency: String,
    pub notes: String,
    pub reminders: bool,
}

/// A valid client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    pub name: String,
    pub emails: Vec<EmailAddress>,
    pub company: Option<String>,
    pub address: Option<String>,
    pub country: Option<Country>,
    pub tax_id: Option<String>,
    pub currency: Currency,
    pub notes: Option<String>,
    /// Whether PayTrack sends this client payment reminders.
    pub reminders: bool,
}

/// Messages per field; empty when the input is valid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientErrors {
    pub name: Option<String>,
    pub emails: Option<String>,
    pub company: Option<String>,
    pub address: Option<String>,
    pub country: Option<String>,
    pub tax_id: Option<String>,
    pub currency: Option<String>,
    pub notes: Option<String>,
}

fn optional(
    text: &str,
    max: usize,
    shape: Shape,
    label: &str,
    error: &mut Option<String>,
) -> Option<String> {
    text::optional(text, max, shape, label)
        .map_err(|message| *error = Some(message))
        .ok()
        .flatten()
}

impl ClientInput {
    /// The form for a new client billed in `currency`, with reminders on.
    pub fn blank(currency: Currency) -> Self {
        Self {
            currency: currency.code().to_string(),
            reminders: true,
            ..Self::default()
        }
    }

    pub fn parse(&self) -> Result<Client, Box<ClientErrors>> {
        let mut errors = ClientErrors::default();

        let name = text::required(
            &self.name,
            120,
            Shape::OneLine,
            "name",
            "Enter the client's name.",
        )
        .map_err(|m| errors.name = Some(m))
        .ok();

        let mut emails: Vec<EmailAddress> = Vec::new();
        for part in self
            .emails
            .split([',', '\n', ';'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match EmailAddress::parse(part) {
                Ok(email) if !emails.contains(&email) => emails.push(email),
                Ok(_) => {}
                Err(message) => {
                    // Say which entry, since the field may hold several.
                    errors.emails = Some(if message.contains(part) {
                        message
                    } else {
                        format!("“{part}”: {message}")
                    });
                    break;
                }
            }
        }
        if errors.emails.is_none() && emails.is_empty() {
            errors.emails = Some(
                "Add at least one email address: invoices and reminders go there.".to_string(),
            );
        } else if emails.len() > 5 {
            errors.emails = Some("Up to 5 addresses per client.".to_string());
        }

        let company = optional(
            &self.company,
            120,
            Shape::OneLine,
            "company name",
            &mut errors.company,
        );
        let address = optional(
            &self.address,
            500,
            Shape::Lines,
            "address",
            &mut errors.address,
        );
        let notes = optional(&self.notes, 2000, Shape::Lines, "notes", &mut errors.notes);
        let country = parse_country(&self.country)
            .map_err(|m| errors.country = Some(m))
            .ok()
            .flatten();
        let tax_id = parse_tax_id(&self.tax_id)
            .map_err(|m| errors.tax_id = Some(m))
            .ok()
            .flatten();
        let currency = Currency::parse(&self.currency)
            .map_err(|m| errors.currency = Some(m))
            .ok();

        match (name, currency) {
            (Some(name), Some(currency)) if errors == ClientErrors::default() => Ok(Client {
                name,
                emails,
                company,
                address,
                country,
                tax_id,
                currency,
                notes,
                reminders: self.reminders,
            }),
            _ => Err(Box::new(errors)),
        }
    }
}

/// The currency a new client starts in, so a freelancer in Berlin doesn't turn every client
/// from dollars to euros: the one their latest client is billed in (what they did last), else
/// the one of their business's country, else of the country their time zone is in, else US
/// dollars.
pub fn usual_currency(
    latest_client: Option<Currency>,
    business_country: Option<Country>,
    time_zone: &str,
) -> Currency {
    latest_client
        .or_else(|| business_country.and_then(Country::currency))
        .or_else(|| Country::of_time_zone(time_zone).and_then(Country::currency))
        .unwrap_or(Currency::USD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_client_starts_in_the_latest_clients_then_the_business_then_the_zones_currency() {
        let ch = Country::parse("CH").ok();
        assert_eq!(
            usual_currency(Some(Currency::GBP), ch, "Europe/Berlin"),
            Currency::GBP
        );
        assert_eq!(usual_currency(None, ch, "Europe/Berlin"), Currency::CHF);
        // A country PayTrack bills in no currency of gives way to the time zone.
        let ua = Country::parse("UA").ok();
        assert_eq!(usual_currency(None, ua, "Europe/Berlin"), Currency::EUR);
        assert_eq!(usual_currency(None, None, "Asia/Tokyo"), Currency::JPY);
        assert_eq!(usual_currency(None, None, "Europe/Kyiv"), Currency::USD);
        assert_eq!(usual_currency(None, None, "UTC"), Currency::USD);
    }

    fn input() -> ClientInput {
        ClientInput {
            name: " Acme Ltd ".to_string(),
            emails: "billing@acme.example, CFO@Acme.example\nbilling@acme.example".to_string(),
            company: "Acme Limited".to_string(),
            address: "1 Road\nLondon".to_string(),
            country: "gb".to_string(),
            tax_id: "GB 123 4567 89".to_string(),
            currency: "gbp".to_string(),
            notes: String::new(),
            reminders: true,
        }
    }

    #[test]
    fn a_valid_client_is_trimmed_and_deduplicated() {
        let client = input().parse().unwrap();
        assert_eq!(client.name, "Acme Ltd");
        let emails: Vec<&str> = client.emails.iter().map(|e| e.as_str()).collect();
        assert_eq!(emails, ["billing@acme.example", "CFO@acme.example"]);
        assert_eq!(client.currency, Currency::GBP);
        assert_eq!(client.country.map(Country::code), Some("GB"));
        assert_eq!(client.tax_id.as_deref(), Some("GB 123 4567 89"));
        assert_eq!(client.notes, None);
        assert!(client.reminders);
    }

    #[test]
    fn every_problem_is_reported_next_to_its_field() {
        let bad = ClientInput {
            name: "  ".to_string(),
            emails: "ok@example.com, nope".to_string(),
            company: "x".repeat(121),
            address: String::new(),
            country: "Atlantis".to_string(),
            tax_id: "n/a".to_string(),
            currency: "XXX".to_string(),
            notes: String::new(),
            reminders: false,
        };
        let errors = bad.parse().unwrap_err();
        assert_eq!(errors.name.as_deref(), Some("Enter the client's name."));
        assert!(errors.emails.unwrap().contains("nope"));
        assert_eq!(
            errors.company.as_deref(),
            Some("Keep the company name under 120 characters.")
        );
        assert!(errors.currency.unwrap().contains("XXX"));
        assert!(errors.country.unwrap().contains("Atlantis"));
        assert!(errors.tax_id.unwrap().contains("n/a"));
        assert_eq!(errors.address, None);
    }

    #[test]
    fn a_client_needs_an_address_to_send_to() {
        let none = ClientInput {
            emails: " , ".to_string(),
            ..input()
        };
        assert!(
            none.parse()
                .unwrap_err()
                .emails
                .unwrap()
                .starts_with("Add at least one")
        );
        let many = ClientInput {
            emails: (0..6)
                .map(|i| format!("p{i}@example.com"))
                .collect::<Vec<_>>()
                .join(","),
            ..input()
        };
        assert_eq!(
            many.parse().unwrap_err().emails.as_deref(),
            Some("Up to 5 addresses per client.")
        );
    }
}
