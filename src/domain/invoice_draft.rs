//! What the invoice editor sends (`InvoiceInput`, raw text as typed) and what it becomes once
//! valid (`InvoiceDraft`). The browser runs the same `parse` for live totals and inline
//! messages; the server runs it again before saving, so neither trusts the other.

use serde::{Deserialize, Serialize};

use super::date::CalendarDate;
use super::invoice::{Discount, LineItem, Percent, Quantity, Totals, totals};
use super::money::{Currency, Money};

pub const MAX_LINES: usize = 100;
const MAX_TAX_RATES: usize = 3;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineInput {
    pub description: String,
    pub quantity: String,
    pub unit_price: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceInput {
    /// The client's id as the server gave it; checked against the owner's clients on save.
    pub client_id: String,
    pub issue_date: String,
    pub due_date: String,
    pub currency: String,
    pub lines: Vec<LineInput>,
    /// "none", "percent" or "fixed".
    pub discount_kind: String,
    pub discount_value: String,
    /// One or more percentages separated by commas ("20" or "5, 9.975").
    pub tax_rates: String,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDraft {
    pub client_id: String,
    pub issue_date: CalendarDate,
    pub due_date: CalendarDate,
    pub currency: Currency,
    pub lines: Vec<LineItem>,
    pub discount: Discount,
    pub tax_rates: Vec<Percent>,
    pub notes: Option<String>,
}

/// A message for one line item's fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineErrors {
    pub description: Option<String>,
    pub quantity: Option<String>,
    pub unit_price: Option<String>,
}

impl LineErrors {
    pub fn is_empty(&self) -> bool {
        *self == LineErrors::default()
    }
}

/// Messages per field; `lines` has one entry per submitted line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceErrors {
    pub client: Option<String>,
    pub issue_date: Option<String>,
    pub due_date: Option<String>,
    pub currency: Option<String>,
    /// About the list as a whole (none, too many, totals too large).
    pub line_items: Option<String>,
    pub lines: Vec<LineErrors>,
    pub discount: Option<String>,
    pub tax_rates: Option<String>,
    pub notes: Option<String>,
}

impl InvoiceErrors {
    pub fn is_empty(&self) -> bool {
        self.client.is_none()
            && self.issue_date.is_none()
            && self.due_date.is_none()
            && self.currency.is_none()
            && self.line_items.is_none()
            && self.lines.iter().all(LineErrors::is_empty)
            && self.discount.is_none()
            && self.tax_rates.is_none()
            && self.notes.is_none()
    }
}

fn parse_line(input: &LineInput, currency: Option<Currency>) -> (Option<LineItem>, LineErrors) {
    let mut errors = LineErrors::default();
    let description = input.description.trim().to_string();
    if description.is_empty() {
        errors.description = Some("Describe the work or item.".to_string());
    } else if description.chars().count() > 300 {
        errors.description = Some("Keep the description under 300 characters.".to_string());
    }
    let quantity = Quantity::parse(&input.quantity)
        .map_err(|m| errors.quantity = Some(m))
        .ok();
    let unit_price =
        currency.and_then(|currency| match Money::parse(&input.unit_price, currency) {
            Ok(price) if price.is_negative() => {
                errors.unit_price =
                    Some("Prices can't be negative; use the discount for reductions.".to_string());
                None
            }
            Ok(price) => Some(price.minor()),
            Err(message) => {
                errors.unit_price = Some(message);
                None
            }
        });
    match (quantity, unit_price) {
        (Some(quantity), Some(unit_price_minor)) if errors.is_empty() => (
            Some(LineItem {
                description,
                quantity,
                unit_price_minor,
            }),
            errors,
        ),
        _ => (None, errors),
    }
}

fn parse_tax_rates(text: &str) -> Result<Vec<Percent>, String> {
    let rates = text
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(Percent::parse)
        .collect::<Result<Vec<_>, _>>()?;
    if rates.len() > MAX_TAX_RATES {
        return Err(format!("Up to {MAX_TAX_RATES} tax rates per invoice."));
    }
    Ok(rates)
}

impl InvoiceInput {
    pub fn parse(&self) -> Result<InvoiceDraft, Box<InvoiceErrors>> {
        let mut errors = InvoiceErrors::default();

        let client_id = self.client_id.trim().to_string();
        if client_id.is_empty() {
            errors.client = Some("Choose who this invoice is for.".to_string());
        }
        let issue_date = CalendarDate::parse(&self.issue_date)
            .map_err(|m| errors.issue_date = Some(m))
            .ok();
        let due_date = CalendarDate::parse(&self.due_date)
            .map_err(|m| errors.due_date = Some(m))
            .ok();
        if let (Some(issued), Some(due)) = (issue_date, due_date)
            && due < issued
        {
            errors.due_date = Some("The due date can't be before the issue date.".to_string());
        }
        let currency = Currency::parse(&self.currency)
            .map_err(|m| errors.currency = Some(m))
            .ok();

        let mut lines = Vec::with_capacity(self.lines.len());
        if self.lines.is_empty() {
            errors.line_items = Some("Add at least one line item.".to_string());
        } else if self.lines.len() > MAX_LINES {
            errors.line_items = Some(format!("Up to {MAX_LINES} line items per invoice."));
        }
        for input in &self.lines {
            let (line, line_errors) = parse_line(input, currency);
            errors.lines.push(line_errors);
            lines.extend(line);
        }

        let discount = match (self.discount_kind.as_str(), currency) {
            ("" | "none", _) => Some(Discount::None),
            ("percent", _) => Percent::parse(&self.discount_value)
                .map(Discount::Percent)
                .map_err(|m| errors.discount = Some(m))
                .ok(),
            ("fixed", Some(currency)) => match Money::parse(&self.discount_value, currency) {
                Ok(amount) if amount.is_negative() => {
                    errors.discount = Some("A discount can't be negative.".to_string());
                    None
                }
                Ok(amount) => Some(Discount::Fixed(amount.minor())),
                Err(message) => {
                    errors.discount = Some(message);
                    None
                }
            },
            ("fixed", None) => None,
            (other, _) => {
                errors.discount = Some(format!("“{other}” is not a kind of discount."));
                None
            }
        };
        let tax_rates = parse_tax_rates(&self.tax_rates)
            .map_err(|m| errors.tax_rates = Some(m))
            .ok();
        let notes = self.notes.trim();
        if notes.chars().count() > 2000 {
            errors.notes = Some("Keep the notes under 2000 characters.".to_string());
        }

        if let (Some(currency), Some(discount), Some(tax_rates)) =
            (currency, discount, tax_rates.as_ref())
            && errors.is_empty()
            && let Err(err) = totals(currency, &lines, discount, tax_rates, 0)
        {
            errors.line_items = Some(err.to_string());
        }

        match (issue_date, due_date, currency, discount, tax_rates) {
            (Some(issue_date), Some(due_date), Some(currency), Some(discount), Some(tax_rates))
                if errors.is_empty() =>
            {
                Ok(InvoiceDraft {
                    client_id,
                    issue_date,
                    due_date,
                    currency,
                    lines,
                    discount,
                    tax_rates,
                    notes: (!notes.is_empty()).then(|| notes.to_string()),
                })
            }
            _ => Err(Box::new(errors)),
        }
    }
}

impl InvoiceInput {
    /// Totals of what can be read so far, for the editor to show while the user types: lines
    /// that do not parse yet count as nothing, as do an unreadable discount or tax rate.
    /// `None` until the currency is known.
    pub fn preview(&self) -> Option<(Totals, Vec<Option<Money>>)> {
        let currency = Currency::parse(&self.currency).ok()?;
        let parsed: Vec<Option<LineItem>> = self
            .lines
            .iter()
            .map(|input| {
                parse_line(input, Some(currency)).0.or_else(|| {
                    // A line without a description yet still has an amount worth showing.
                    let quantity = Quantity::parse(&input.quantity).ok()?;
                    let price = Money::parse(&input.unit_price, currency).ok()?;
                    (!price.is_negative()).then(|| LineItem {
                        description: String::new(),
                        quantity,
                        unit_price_minor: price.minor(),
                    })
                })
            })
            .collect();
        let amounts = parsed
            .iter()
            .map(|line| {
                let line = line.as_ref()?;
                totals(currency, std::slice::from_ref(line), Discount::None, &[], 0)
                    .ok()
                    .map(|t| t.subtotal)
            })
            .collect();
        let lines: Vec<LineItem> = parsed.into_iter().flatten().collect();
        let discount = match self.discount_kind.as_str() {
            "percent" => Percent::parse(&self.discount_value)
                .map(Discount::Percent)
                .unwrap_or(Discount::None),
            "fixed" => Money::parse(&self.discount_value, currency)
                .ok()
                .filter(|m| !m.is_negative())
                .map(|m| Discount::Fixed(m.minor()))
                .unwrap_or(Discount::None),
            _ => Discount::None,
        };
        let tax_rates = parse_tax_rates(&self.tax_rates).unwrap_or_default();
        let totals = totals(currency, &lines, discount, &tax_rates, 0).ok()?;
        Some((totals, amounts))
    }
}

impl InvoiceDraft {
    pub fn totals(&self, paid_minor: i64) -> Result<Totals, super::invoice::TotalsError> {
        totals(
            self.currency,
            &self.lines,
            self.discount,
            &self.tax_rates,
            paid_minor,
        )
    }

    /// The editor's text for this draft (to edit it again, or to duplicate it).
    pub fn to_input(&self) -> InvoiceInput {
        let money = |minor| Money::from_minor(minor, self.currency).to_decimal_string();
        let (discount_kind, discount_value) = match self.discount {
            Discount::None => ("none", String::new()),
            Discount::Percent(rate) => ("percent", rate.to_string()),
            Discount::Fixed(amount) => ("fixed", money(amount)),
        };
        InvoiceInput {
            client_id: self.client_id.clone(),
            issue_date: self.issue_date.to_string(),
            due_date: self.due_date.to_string(),
            currency: self.currency.code().to_string(),
            lines: self
                .lines
                .iter()
                .map(|line| LineInput {
                    description: line.description.clone(),
                    quantity: line.quantity.to_string(),
                    unit_price: money(line.unit_price_minor),
                })
                .collect(),
            discount_kind: discount_kind.to_string(),
            discount_value,
            tax_rates: self
                .tax_rates
                .iter()
                .map(|rate| rate.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            notes: self.notes.clone().unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
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
            tax_rates: "5, 9.975".to_string(),
            notes: " Thanks! ".to_string(),
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
    fn each_bad_field_gets_its_own_message() {
        let mut bad = input();
        bad.client_id = " ".to_string();
        bad.due_date = "2026-10-01".to_string();
        bad.lines[1].quantity = "1.2345".to_string();
        bad.lines[0].unit_price = "-5".to_string();
        bad.discount_value = "120".to_string();
        bad.tax_rates = "5, abc".to_string();
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
        assert!(errors.tax_rates.as_deref().unwrap().contains("abc"));
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
    fn unknown_discount_kinds_are_refused() {
        let mut bad = input();
        bad.discount_kind = "bogus".to_string();
        assert!(bad.parse().unwrap_err().discount.unwrap().contains("bogus"));
    }

    proptest! {
        #[test]
        fn a_draft_reads_back_to_itself(
            quantities in prop::collection::vec(0i64..10_000_000, 1..6),
            prices in prop::collection::vec(0i64..100_000_000, 6),
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
                form.discount_kind = "fixed".to_string();
                form.discount_value = Money::from_minor(rate, Currency::USD).to_decimal_string();
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
}
