//! Made-up but realistic demo data: names, companies, lines of work, and what became of each
//! invoice, from a small deterministic generator so every run makes the same book.

use crate::domain::tax::Tax;
use mongodb::bson::DateTime;

use crate::domain::client::Client;
use crate::domain::date::CalendarDate;
use crate::domain::email::EmailAddress;
use crate::domain::invoice::{Discount, LineItem, Percent, Quantity};
use crate::domain::invoice_draft::InvoiceDraft;
use crate::domain::money::Currency;
use crate::domain::service_period::ServicePeriod;
use crate::domain::status::InvoiceStatus;
use crate::server::db::clients;

/// A small deterministic generator (xorshift64*): seed data must not depend on a crate the
/// server does not otherwise need, and must be the same on every run.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// True with `percent` per cent probability.
    pub(super) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const FIRST: [&str; 16] = [
    "Ada",
    "Grace",
    "Alan",
    "Linus",
    "Margaret",
    "Ken",
    "Barbara",
    "Dennis",
    "Frances",
    "John",
    "Radia",
    "Tim",
    "Hedy",
    "Edsger",
    "Katherine",
    "Donald",
];
const LAST: [&str; 14] = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Torvalds",
    "Hamilton",
    "Thompson",
    "Liskov",
    "Ritchie",
    "Allen",
    "Backus",
    "Perlman",
    "Berners-Lee",
    "Lamarr",
    "Knuth",
];
const COMPANY: [&str; 10] = [
    "Studio",
    "Labs",
    "& Co",
    "Partners",
    "Collective",
    "Works",
    "Digital",
    "Media",
    "Group",
    "Agency",
];
const WORK: [&str; 12] = [
    "Design sprint",
    "Website development",
    "Logo refresh",
    "Copywriting",
    "Consulting hours",
    "Photography session",
    "Hosting (annual)",
    "Maintenance retainer",
    "Illustrations",
    "SEO audit",
    "Workshop facilitation",
    "Travel expenses",
];

pub(super) fn client(rng: &mut Rng, index: usize) -> Result<Client, String> {
    let first = rng.pick(&FIRST);
    let last = rng.pick(&LAST);
    let company = rng
        .chance(60)
        .then(|| format!("{last} {}", rng.pick(&COMPANY)));
    let currency = match rng.below(10) {
        0..=6 => Currency::USD,
        7 | 8 => Currency::EUR,
        _ => Currency::GBP,
    };
    Ok(Client {
        name: format!("{first} {last}"),
        emails: vec![EmailAddress::parse(&format!(
            "{}.{}{index}@client.example",
            first.to_lowercase(),
            last.to_lowercase().replace(' ', "")
        ))?],
        company,
        address: Some(format!("{} Market Street\nSpringfield", 1 + index)),
        country: None,
        tax_id: None,
        currency,
        notes: None,
        reminders: rng.chance(90),
    })
}

pub(super) fn draft(
    rng: &mut Rng,
    client: &clients::ClientDoc,
    issued: CalendarDate,
) -> InvoiceDraft {
    let terms = *rng.pick(&[14_i64, 30, 30, 45]);
    let lines = (0..1 + rng.below(4))
        .map(|_| LineItem {
            description: rng.pick(&WORK).to_string(),
            quantity: Quantity::from_thousandths(((1 + rng.below(40)) * 500) as i64),
            // Whole units from 25 to 250 of the client's currency.
            unit_price_minor: (25 + rng.below(226) as i64) * 10_i64.pow(client.currency.exponent()),
        })
        .collect();
    InvoiceDraft {
        client_id: client.id.to_hex(),
        issue_date: issued,
        due_date: issued.add_days(terms).unwrap_or(issued),
        // The two weeks of work the invoice bills.
        service_period: Some(ServicePeriod {
            first: issued.add_days(-14).unwrap_or(issued),
            last: issued.add_days(-1).unwrap_or(issued),
        }),
        currency: client.currency,
        lines,
        discount: if rng.chance(10) {
            Discount::Percent(Percent::from_thousandths(*rng.pick(&[5_000, 10_000])))
        } else {
            Discount::None
        },
        taxes: if rng.chance(30) {
            vec![Tax {
                name: "VAT".to_string(),
                rate: Percent::from_thousandths(20_000),
            }]
        } else {
            Vec::new()
        },
        notes: Some("Thank you for your business.".to_string()),
    }
}

/// Where an invoice issued `age` days ago has got to: older ones are mostly paid.
pub(super) fn fate(rng: &mut Rng, age: i64) -> InvoiceStatus {
    let roll = rng.below(100);
    match age {
        0..=20 if roll < 8 => InvoiceStatus::Draft,
        0..=20 if roll < 80 => InvoiceStatus::Open,
        0..=20 => InvoiceStatus::Paid,
        21..=90 if roll < 30 => InvoiceStatus::Open,
        21..=90 if roll < 38 => InvoiceStatus::PartiallyPaid,
        21..=90 if roll < 40 => InvoiceStatus::Void,
        21..=90 => InvoiceStatus::Paid,
        _ if roll < 3 => InvoiceStatus::Open,
        _ if roll < 5 => InvoiceStatus::PartiallyPaid,
        _ if roll < 9 => InvoiceStatus::Void,
        _ => InvoiceStatus::Paid,
    }
}

pub(super) fn at_noon(date: CalendarDate) -> DateTime {
    DateTime::from_millis(date.days_since_epoch() * 86_400_000 + 43_200_000)
}
