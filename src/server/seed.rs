//! `paytrack seed`: fills one account with realistic clients and two years of invoices, for
//! demos and benchmarks. Deterministic (the same arguments give the same data), refuses to run
//! in production, and adds to an account without touching what it already holds.

use std::process::ExitCode;

use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Bson, DateTime, Document, to_bson};

use super::config::{Config, Environment};
use super::db::{self, clients, invoice_sequences, invoices, users};
use crate::domain::client::Client;
use crate::domain::date::CalendarDate;
use crate::domain::email::EmailAddress;
use crate::domain::invoice::{Discount, LineItem, Percent, Quantity};
use crate::domain::invoice_draft::InvoiceDraft;
use crate::domain::invoice_number::format_number;
use crate::domain::money::Currency;
use crate::domain::payment::PaymentMethod;
use crate::domain::status::InvoiceStatus;

#[derive(Debug)]
pub struct SeedOptions {
    pub email: String,
    pub clients: usize,
    pub invoices: usize,
}

const USAGE: &str = "usage: paytrack seed [--email ADDRESS] [--clients N] [--invoices N]";

impl SeedOptions {
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = SeedOptions {
            email: "demo@paytrack.test".to_string(),
            clients: 200,
            invoices: 10_000,
        };
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            let value = args
                .next()
                .ok_or_else(|| format!("{flag} needs a value. {USAGE}"))?;
            let count = || {
                value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=1_000_000).contains(n))
                    .ok_or_else(|| {
                        format!("{flag} takes a number from 1 to 1000000, not “{value}”.")
                    })
            };
            match flag.as_str() {
                "--email" => options.email = value.clone(),
                "--clients" => options.clients = count()?,
                "--invoices" => options.invoices = count()?,
                other => return Err(format!("unknown option “{other}”. {USAGE}")),
            }
        }
        EmailAddress::parse(&options.email)?;
        Ok(options)
    }
}

/// A small deterministic generator (xorshift64*): seed data must not depend on a crate the
/// server does not otherwise need, and must be the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// True with `percent` per cent probability.
    fn chance(&mut self, percent: u64) -> bool {
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

fn client(rng: &mut Rng, index: usize) -> Result<Client, String> {
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
        currency,
        notes: None,
        reminders: rng.chance(90),
    })
}

fn draft(rng: &mut Rng, client: &clients::ClientDoc, issued: CalendarDate) -> InvoiceDraft {
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
        currency: client.currency,
        lines,
        discount: if rng.chance(10) {
            Discount::Percent(Percent::from_thousandths(*rng.pick(&[5_000, 10_000])))
        } else {
            Discount::None
        },
        tax_rates: if rng.chance(30) {
            vec![Percent::from_thousandths(20_000)]
        } else {
            Vec::new()
        },
        notes: Some("Thank you for your business.".to_string()),
    }
}

/// Where an invoice issued `age` days ago has got to: older ones are mostly paid.
fn fate(rng: &mut Rng, age: i64) -> InvoiceStatus {
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

fn at_noon(date: CalendarDate) -> DateTime {
    DateTime::from_millis(date.days_since_epoch() * 86_400_000 + 43_200_000)
}

pub async fn seed(
    db: &Database,
    options: &SeedOptions,
    today: CalendarDate,
) -> Result<(usize, usize), String> {
    let fail = |what: &str| {
        let what = what.to_string();
        move |err: mongodb::error::Error| format!("{what}: {err}")
    };
    let (user, _) = users::find_or_create(
        db,
        users::NewUser {
            email: &options.email,
            name: "Demo Freelancer",
            time_zone: "Europe/Berlin",
        },
    )
    .await
    .map_err(fail("finding or creating the account"))?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ options.invoices as u64);
    let now = DateTime::now();

    let mut client_docs = Vec::with_capacity(options.clients);
    for index in 0..options.clients {
        let client = client(&mut rng, index)?;
        client_docs.push(
            clients::insert(db, user.id, &client, now)
                .await
                .map_err(fail("saving a client"))?,
        );
    }

    let prefix = user.invoice_prefix();
    let first = invoice_sequences::next(db, user.id)
        .await
        .map_err(fail("reading the invoice sequence"))?;
    let mut issued: Vec<i64> = (0..options.invoices)
        .map(|_| rng.below(730) as i64)
        .collect();
    // Oldest first, so numbers rise with dates as they would have.
    issued.sort_unstable_by(|a, b| b.cmp(a));
    let mut batch: Vec<Document> = Vec::with_capacity(1000);
    for (offset, age) in issued.into_iter().enumerate() {
        let client = rng.pick(&client_docs).clone();
        let issue_date = today.add_days(-age)?;
        let draft = draft(&mut rng, &client, issue_date);
        let totals = draft.totals(0).map_err(|e| e.to_string())?;
        let sequence = first + offset as i64;
        let mut document = invoices::draft_document(
            user.id,
            sequence,
            &format_number(&prefix, sequence),
            invoices::Content {
                draft: &draft,
                totals: &totals,
                client: &client,
            },
            at_noon(issue_date),
        )
        .map_err(|e| e.to_string())?;
        let status = fate(&mut rng, age);
        let total = totals.total.minor();
        let paid = match status {
            InvoiceStatus::Paid => total,
            InvoiceStatus::PartiallyPaid => total * (30 + rng.below(40) as i64) / 100,
            _ => 0,
        };
        if status != InvoiceStatus::Draft {
            document.insert("sent_at", at_noon(issue_date));
            let token = crate::server::auth::token::random().map_err(|e| e.to_string())?;
            document.insert("public_token", token);
        }
        if status == InvoiceStatus::Void {
            document.insert("voided_at", at_noon(issue_date.add_days(7)?));
            document.insert("due_minor", 0_i64);
            document.remove("public_token");
        }
        if paid > 0 {
            let paid_on = issue_date
                .add_days(rng.below(age.max(1) as u64).min(75) as i64)?
                .min(today);
            let payment = invoices::PaymentDoc {
                id: ObjectId::new(),
                amount_minor: paid,
                date: paid_on,
                method: *rng.pick(&PaymentMethod::MANUAL),
                recorded_at: at_noon(paid_on),
            };
            document.insert(
                "payments",
                vec![to_bson(&payment).map_err(|e| e.to_string())?],
            );
            document.insert("paid_minor", paid);
            document.insert("due_minor", total - paid);
            if status == InvoiceStatus::Paid {
                document.insert("paid_on", paid_on.to_string());
            }
        }
        document.insert(
            "status",
            to_bson(&status).unwrap_or(Bson::String("Draft".into())),
        );
        batch.push(document);
        if batch.len() == 1000 {
            invoices::insert_many(db, std::mem::take(&mut batch))
                .await
                .map_err(fail("saving invoices"))?;
        }
    }
    if !batch.is_empty() {
        invoices::insert_many(db, batch)
            .await
            .map_err(fail("saving invoices"))?;
    }
    invoice_sequences::advance_to(db, user.id, first + options.invoices as i64 - 1)
        .await
        .map_err(fail("advancing the invoice sequence"))?;
    // Open invoices are chased like any other: each gets its next reminder planned. Those
    // long overdue get one catch-up reminder from the engine, as imported invoices would.
    for invoice in invoices::open_of_owner(db, user.id, None)
        .await
        .map_err(fail("listing open invoices"))?
    {
        crate::server::jobs::plan::schedule_next(db, &user, &invoice, None)
            .await
            .map_err(fail("planning reminders"))?;
    }
    Ok((options.clients, options.invoices))
}

/// The `paytrack seed` command: configuration from the environment like the server.
pub async fn run(args: &[String]) -> ExitCode {
    let options = match SeedOptions::parse(args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let config = match Config::for_command() {
        Ok(config) => config,
        Err(code) => return code,
    };
    if config.environment == Environment::Production {
        eprintln!(
            "paytrack seed refuses to run with PAYTRACK_ENV=production: it writes demo data."
        );
        return ExitCode::from(2);
    }
    let result = async {
        let database = db::open_for_command(&config).await?;
        let today = {
            let date = jiff::Timestamp::now()
                .to_zoned(jiff::tz::TimeZone::UTC)
                .date();
            CalendarDate::new(
                i32::from(date.year()),
                date.month().unsigned_abs(),
                date.day().unsigned_abs(),
            )?
        };
        seed(&database, &options, today).await
    }
    .await;
    match result {
        Ok((clients, invoices)) => {
            println!(
                "seeded {} with {clients} clients and {invoices} invoices",
                options.email
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("seeding failed: {message}");
            ExitCode::FAILURE
        }
    }
}
