//! What the invoice editor sends (`InvoiceInput`, raw text as typed) and what it becomes once
//! valid (`InvoiceDraft`). The browser runs the same `parse` for live totals and inline
//! messages; the server runs it again before saving, so neither trusts the other.

use serde::{Deserialize, Serialize};

use super::date::CalendarDate;
use super::invoice::{Discount, LineItem, Percent, Quantity, Totals, totals};
use super::money::{Currency, Money};
use super::service_period::ServicePeriod;
use super::tax::Tax;
use super::text::{self, Shape};

pub const MAX_LINES: usize = 100;
/// The most one invoice can ask for, in minor units: what Stripe charges in one payment at
/// most in nearly every currency (e.g. $999,999.99), so any invoice can be paid by link.
pub const MAX_TOTAL_MINOR: i64 = 99_999_999;

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
    /// When the work was done: its first (or only) day, and its last when it lasted longer.
    /// Both empty for none.
    #[serde(default)]
    pub service_from: String,
    #[serde(default)]
    pub service_to: String,
    pub currency: String,
    pub lines: Vec<LineInput>,
    /// "none", "percent" or "fixed".
    pub discount_kind: String,
    pub discount_value: String,
    /// Taxes by name and rate, separated by commas ("VAT 20%", or "GST 5%, QST 9.975%").
    pub taxes: String,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDraft {
    pub client_id: String,
    pub issue_date: CalendarDate,
    pub due_date: CalendarDate,
    #[serde(default)]
    pub service_period: Option<ServicePeriod>,
    pub currency: Currency,
    pub lines: Vec<LineItem>,
    pub discount: Discount,
    pub taxes: Vec<Tax>,
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
    pub service_period: Option<String>,
    pub currency: Option<String>,
    /// About the list as a whole (none, too many, totals too large).
    pub line_items: Option<String>,
    pub lines: Vec<LineErrors>,
    pub discount: Option<String>,
    pub taxes: Option<String>,
    pub notes: Option<String>,
}

impl InvoiceErrors {
    pub fn is_empty(&self) -> bool {
        self.client.is_none()
            && self.issue_date.is_none()
            && self.due_date.is_none()
            && self.service_period.is_none()
            && self.currency.is_none()
            && self.line_items.is_none()
            && self.lines.iter().all(LineErrors::is_empty)
            && self.discount.is_none()
            && self.taxes.is_none()
            && self.notes.is_none()
    }
}

fn parse_line(input: &LineInput, currency: Option<Currency>) -> (Option<LineItem>, LineErrors) {
    let mut errors = LineErrors::default();
    let description = text::required(
        &input.description,
        300,
        Shape::OneLine,
        "description",
        "Describe the work or item.",
    )
    .map_err(|m| errors.description = Some(m))
    .unwrap_or_default();
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

/// Puts the message on what takes the invoice past `MAX_TOTAL_MINOR`: the first line whose
/// amount does, or the taxes when the lines alone stay under it. Every line parsed, so
/// line `i` is input line `i`.
fn over_the_ceiling(currency: Currency, lines: &[LineItem], errors: &mut InvoiceErrors) {
    let most = Money::from_minor(MAX_TOTAL_MINOR, currency);
    let message = format!(
        "This takes the invoice over {most}, the most one payment can be. Split the work across invoices."
    );
    let subtotal_to = |end: usize| {
        totals(currency, &lines[..end], Discount::None, &[], 0)
            .map_or(i64::MAX, |t| t.subtotal.minor())
    };
    match (1..=lines.len()).find(|&end| subtotal_to(end) > MAX_TOTAL_MINOR) {
        Some(end) => match errors.lines.get_mut(end - 1) {
            Some(line) => line.unit_price = Some(message),
            None => errors.line_items = Some(message),
        },
        None => errors.taxes = Some(message),
    }
}

/// The longest payment term accepted: five years, leap days included.
const MAX_TERM_DAYS: i64 = 5 * 365 + 2;

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
        if let (Some(issued), Some(due)) = (issue_date, due_date) {
            if due < issued {
                errors.due_date = Some("The due date can't be before the issue date.".to_string());
            } else if issued.days_until(due) > MAX_TERM_DAYS {
                // A mistyped year ("2062") would make an invoice that is never late, so never
                // chased; no payment term runs this long.
                errors.due_date = Some(
                    "The due date is more than five years after the issue date: check its year."
                        .to_string(),
                );
            }
        }
        let service_period = ServicePeriod::parse(&self.service_from, &self.service_to, issue_date)
            .map_err(|m| errors.service_period = Some(m))
            .ok()
            .flatten();
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
        let taxes = Tax::parse_list(&self.taxes)
            .map_err(|m| errors.taxes = Some(m))
            .ok();
        let notes = text::optional(&self.notes, 2000, Shape::Lines, "notes")
            .map_err(|m| errors.notes = Some(m))
            .ok()
            .flatten();

        if let (Some(currency), Some(discount), Some(taxes)) = (currency, discount, taxes.as_ref())
            && errors.is_empty()
        {
            match totals(currency, &lines, discount, &Tax::rates(taxes), 0) {
                Err(err) => errors.line_items = Some(err.to_string()),
                Ok(sums) if sums.total.minor() > MAX_TOTAL_MINOR => {
                    over_the_ceiling(currency, &lines, &mut errors);
                }
                // `totals` would quietly cap it, and the document would then show a discount
                // other than the one typed.
                Ok(sums) if matches!(discount, Discount::Fixed(amount) if amount > sums.subtotal.minor()) =>
                {
                    errors.discount = Some(format!(
                        "A discount can't be more than the subtotal ({}).",
                        sums.subtotal
                    ));
                }
                Ok(_) => {}
            }
        }

        match (issue_date, due_date, currency, discount, taxes) {
            (Some(issue_date), Some(due_date), Some(currency), Some(discount), Some(taxes))
                if errors.is_empty() =>
            {
                Ok(InvoiceDraft {
                    client_id,
                    issue_date,
                    due_date,
                    service_period,
                    currency,
                    lines,
                    discount,
                    taxes,
                    notes,
                })
            }
            _ => Err(Box::new(errors)),
        }
    }
}

impl InvoiceInput {
    /// Totals of what can be read so far, for the editor to show while the user types: lines
    /// that do not parse yet count as nothing, as do an unreadable discount or tax.
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
        let taxes = Tax::parse_list(&self.taxes).unwrap_or_default();
        let totals = totals(currency, &lines, discount, &Tax::rates(&taxes), 0).ok()?;
        Some((totals, amounts))
    }
}

impl InvoiceDraft {
    pub fn totals(&self, paid_minor: i64) -> Result<Totals, super::invoice::TotalsError> {
        totals(
            self.currency,
            &self.lines,
            self.discount,
            &Tax::rates(&self.taxes),
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
        let (service_from, service_to) = self
            .service_period
            .map(|period| period.to_fields())
            .unwrap_or_default();
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
            taxes: Tax::list_text(&self.taxes),
            notes: self.notes.clone().unwrap_or_default(),
            service_from,
            service_to,
        }
    }
}

#[cfg(test)]
mod tests;
