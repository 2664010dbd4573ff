//! An invoice's numbers, computed in one place for the server and the browser's live editor.
//!
//! Rounding rule: every rounding step rounds half away from zero to the currency's minor unit,
//! and happens at exactly three points —
//! 1. each line: quantity × unit price;
//! 2. a percentage discount: subtotal × rate;
//! 3. each tax rate: (subtotal − discount) × rate.
//!
//! Everything else is exact integer addition, so total = subtotal − discount + tax always
//! holds to the minor unit, and what the client sees adds up.

use serde::{Deserialize, Serialize};

use super::money::{Currency, Money};
use super::written_number::{self, Digits, Written};

/// A quantity with up to three decimals, stored in thousandths (1.5 h → 1500).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quantity(i64);

/// A percentage with up to three decimals, stored in thousandths of a percent (8.875% → 8875).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Percent(i64);

const MAX_QUANTITY_THOUSANDTHS: i64 = 1_000_000_000_000;

/// Non-negative digits with at most three decimals, in thousandths.
fn thousandths(number: &Digits) -> Option<i64> {
    if number.fraction.len() > 3 || number.whole.len() > 15 {
        return None;
    }
    let whole: i64 = if number.whole.is_empty() {
        0
    } else {
        number.whole.parse().ok()?
    };
    let fraction: i64 = format!("{:0<3}", number.fraction).parse().ok()?;
    whole.checked_mul(1000)?.checked_add(fraction)
}

impl Quantity {
    /// "2.5", "2,5", "1,250" (thousands), "1,250.5". A comma with three digits after it and
    /// nothing else ("1,500") is asked about: 1,500 words and 1,5 hours are both quantities
    /// people invoice. A point is decimal, as PayTrack writes quantities ("1.125").
    pub fn parse(text: &str) -> Result<Self, String> {
        let not_a_quantity = || {
            format!(
                "“{}” is not a quantity (up to 3 decimals, like 1.5).",
                text.trim()
            )
        };
        let number = match written_number::read(text) {
            Written::Number(number)
            | Written::Unclear {
                separator: '.',
                decimal: number,
                ..
            } => number,
            Written::Unclear {
                grouped, decimal, ..
            } => {
                let as_decimal = thousandths(&decimal).map(Self).ok_or_else(not_a_quantity)?;
                return Err(format!(
                    "“{}” could be {} or {as_decimal}: write one of those.",
                    text.trim(),
                    grouped.whole
                ));
            }
            Written::NotANumber => return Err(not_a_quantity()),
        };
        match thousandths(&number) {
            Some(value) if value <= MAX_QUANTITY_THOUSANDTHS => Ok(Self(value)),
            Some(_) => Err("That quantity is too large.".to_string()),
            None => Err(not_a_quantity()),
        }
    }

    pub fn from_thousandths(value: i64) -> Self {
        Self(value.clamp(0, MAX_QUANTITY_THOUSANDTHS))
    }

    pub fn thousandths(self) -> i64 {
        self.0
    }
}

impl Percent {
    /// "8.875", "8,875", "20 %". Thousands can't be a percentage, so a comma is decimal.
    pub fn parse(text: &str) -> Result<Self, String> {
        let number = match written_number::read(text.trim().trim_end_matches('%')) {
            Written::Number(number)
            | Written::Unclear {
                decimal: number, ..
            } => Some(number),
            Written::NotANumber => None,
        };
        match number.as_ref().and_then(thousandths) {
            Some(value) if value <= 100_000 => Ok(Self(value)),
            Some(_) => Err("A percentage can't be more than 100.".to_string()),
            None => Err(format!(
                "“{}” is not a percentage (up to 3 decimals, like 8.875).",
                text.trim()
            )),
        }
    }

    pub fn from_thousandths(value: i64) -> Self {
        Self(value.clamp(0, 100_000))
    }

    pub fn thousandths(self) -> i64 {
        self.0
    }
}

/// Thousandths as the shortest decimal text: 2500 → "2.5", 1000 → "1", 8875 → "8.875".
fn thousandths_text(value: i64, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    let text = format!("{}.{:03}", value / 1000, value % 1000);
    f.write_str(text.trim_end_matches('0').trim_end_matches('.'))
}

/// What `Quantity::parse` reads back: "2.5".
impl std::fmt::Display for Quantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        thousandths_text(self.0, f)
    }
}

/// The number without the sign, as `Percent::parse` reads it back: "8.875".
impl std::fmt::Display for Percent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        thousandths_text(self.0, f)
    }
}

/// `value × numerator / denominator`, rounded half away from zero, in i128 so it cannot
/// overflow for any i64 inputs.
fn scale_round(value: i64, numerator: i64, denominator: i64) -> i128 {
    let product = i128::from(value) * i128::from(numerator);
    let denominator = i128::from(denominator);
    let half = denominator / 2;
    if product >= 0 {
        (product + half) / denominator
    } else {
        (product - half) / denominator
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineItem {
    pub description: String,
    pub quantity: Quantity,
    /// Price of one unit, in the invoice currency's minor units (never negative: reductions
    /// are the discount's job).
    pub unit_price_minor: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Discount {
    None,
    Percent(Percent),
    /// A fixed amount in minor units; never more than the subtotal.
    Fixed(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub subtotal: Money,
    pub discount: Money,
    pub tax: Money,
    pub total: Money,
    pub paid: Money,
    /// Taken off by credit notes after it was sent (price reductions).
    pub credited: Money,
    /// What is still owed; never negative (an overpayment shows as zero due).
    pub due: Money,
}

impl Totals {
    /// The totals once credit notes took `credited` off what was owed.
    pub fn with_credited(self, credited: i64) -> Totals {
        let due = self.due.minor().saturating_sub(credited).max(0);
        Totals {
            credited: Money::from_minor(credited, self.total.currency()),
            due: Money::from_minor(due, self.total.currency()),
            ..self
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TotalsError {
    #[error("Unit prices can't be negative; use the discount for reductions.")]
    NegativePrice,
    #[error("A payment can't be negative.")]
    NegativePayment,
    #[error("These amounts are too large to add up.")]
    Overflow,
}

fn to_i64(value: i128) -> Result<i64, TotalsError> {
    i64::try_from(value).map_err(|_| TotalsError::Overflow)
}

/// The one place invoice numbers are computed (see the module docs for the rounding rule).
pub fn totals(
    currency: Currency,
    lines: &[LineItem],
    discount: Discount,
    tax_rates: &[Percent],
    paid_minor: i64,
) -> Result<Totals, TotalsError> {
    if paid_minor < 0 {
        return Err(TotalsError::NegativePayment);
    }
    let mut subtotal: i128 = 0;
    for line in lines {
        if line.unit_price_minor < 0 {
            return Err(TotalsError::NegativePrice);
        }
        subtotal += scale_round(line.unit_price_minor, line.quantity.thousandths(), 1000);
    }
    let subtotal = to_i64(subtotal)?;
    let discount = match discount {
        Discount::None => 0,
        Discount::Percent(rate) => to_i64(scale_round(subtotal, rate.thousandths(), 100_000))?,
        Discount::Fixed(amount) => amount.clamp(0, subtotal),
    };
    let base = subtotal - discount;
    let tax = to_i64(
        tax_amounts(base, tax_rates)?
            .iter()
            .map(|&t| i128::from(t))
            .sum(),
    )?;
    let total = base.checked_add(tax).ok_or(TotalsError::Overflow)?;
    let due = (i128::from(total) - i128::from(paid_minor)).max(0);
    let money = |minor| Money::from_minor(minor, currency);
    Ok(Totals {
        subtotal: money(subtotal),
        discount: money(discount),
        tax: money(tax),
        total: money(total),
        paid: money(paid_minor),
        credited: money(0),
        due: money(to_i64(due)?),
    })
}

/// What each tax rate amounts to on `taxable` (the subtotal after the discount), in minor
/// units: the invoice's tax lines, which add up to `Totals::tax` exactly.
pub fn tax_amounts(taxable: i64, tax_rates: &[Percent]) -> Result<Vec<i64>, TotalsError> {
    tax_rates
        .iter()
        .map(|rate| to_i64(scale_round(taxable, rate.thousandths(), 100_000)))
        .collect()
}

/// `amount` (taxes included) of an invoice whose total is `total` and whose taxes came to
/// `taxes`, split like the invoice: each tax takes its share of `amount` (rounded half up), and
/// what is left is the net — what a credit note that reduces the invoice states. The parts add
/// up to `amount` exactly; `None` for a total of nothing or figures beyond i64.
pub fn pro_rata(amount: i64, total: i64, taxes: &[i64]) -> Option<(i64, Vec<i64>)> {
    if total <= 0 {
        return None;
    }
    let (amount, total) = (i128::from(amount), i128::from(total));
    let mut shares = Vec::with_capacity(taxes.len());
    for &tax in taxes {
        let twice = amount.checked_mul(i128::from(tax))?.checked_mul(2)?;
        let share = (twice + total).div_euclid(total * 2);
        shares.push(i64::try_from(share).ok()?);
    }
    let taxed: i128 = shares.iter().map(|&s| i128::from(s)).sum();
    let net = i64::try_from(amount - taxed).ok()?;
    Some((net, shares))
}

/// "1 invoice", "3 invoices": how many, in words.
pub fn invoices_counted(count: u32) -> String {
    match count {
        1 => "1 invoice".to_string(),
        n => format!("{n} invoices"),
    }
}

#[cfg(test)]
mod tests;
