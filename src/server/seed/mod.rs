//! `paytrack seed`: fills one account with realistic clients and two years of invoices, for
//! demos and benchmarks. Deterministic (the same arguments give the same data), refuses to run
//! in production, and adds to an account without touching what it already holds. The data
//! itself is made in `generate`.

mod generate;

use std::process::ExitCode;

use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Bson, DateTime, Document, to_bson};

use generate::{Rng, at_noon, client, draft, fate};

use super::config::{Config, Environment};
use super::db::activity::{self, ActivityDoc, ActivityKind};
use super::db::{self, clients, invoice_sequences, invoices, users};
use crate::domain::date::CalendarDate;
use crate::domain::email::EmailAddress;
use crate::domain::invoice_number::format_number;
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
    let mut history: Vec<ActivityDoc> = Vec::with_capacity(3000);
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
        // What the account's activity would say had each invoice been written, sent and paid
        // by hand.
        let invoice_id = document.get_object_id("_id").map_err(|e| e.to_string())?;
        let client_name = document
            .get_document("bill_to")
            .and_then(|to| to.get_str("name"))
            .map_err(|e| e.to_string())?
            .to_string();
        let entry = |kind, at: CalendarDate, amount_minor| -> Result<ActivityDoc, String> {
            Ok(ActivityDoc {
                id: ObjectId::new(),
                user_id: user.id,
                at: at_noon(at),
                kind,
                invoice_id,
                number: format_number(&prefix, sequence),
                client_id: Some(client.id),
                client_name: client_name.clone(),
                amount_minor,
                currency: draft.currency,
            })
        };
        history.push(entry(ActivityKind::Created, issue_date, total)?);
        if status != InvoiceStatus::Draft {
            history.push(entry(ActivityKind::Sent, issue_date, total)?);
        }
        if status == InvoiceStatus::Void {
            history.push(entry(ActivityKind::Voided, issue_date.add_days(7)?, total)?);
        }
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
                stripe_payment: None,
                refunded_minor: 0,
                dispute: None,
            };
            document.insert(
                "payments",
                vec![to_bson(&payment).map_err(|e| e.to_string())?],
            );
            document.insert("paid_minor", paid);
            document.insert("due_minor", total - paid);
            history.push(entry(ActivityKind::PaymentRecorded, paid_on, paid)?);
            if status == InvoiceStatus::Paid {
                document.insert("paid_on", paid_on.to_string());
                history.push(entry(ActivityKind::Paid, paid_on, total)?);
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
            activity::insert_many(db, std::mem::take(&mut history))
                .await
                .map_err(fail("saving the activity"))?;
        }
    }
    if !batch.is_empty() {
        invoices::insert_many(db, batch)
            .await
            .map_err(fail("saving invoices"))?;
    }
    activity::insert_many(db, history)
        .await
        .map_err(fail("saving the activity"))?;
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
    // The dashboard lists the clients who pay latest from what is kept on each client.
    let today = crate::server::jobs::plan::today_of(&user);
    db::pay_habits::backfill(db, Some(user.id), today)
        .await
        .map_err(fail("working out how each client pays"))?;
    // The demo's payments are written with its invoices, not one by one.
    db::collected::backfill(db, Some(user.id))
        .await
        .map_err(fail("summing what was collected each month"))?;
    db::owed::rebuild(db, user.id)
        .await
        .map_err(fail("summing what open invoices owe"))?;
    Ok((options.clients, options.invoices))
}

/// The `paytrack seed` command: configuration from the environment like the server.
pub async fn run(args: &[String]) -> ExitCode {
    let (options, config) = match Config::for_command_with(SeedOptions::parse(args)) {
        Ok(started) => started,
        Err(code) => return code,
    };
    if config.environment == Environment::Production {
        eprintln!(
            "paytrack seed refuses to run with PAYTRACK_ENV=production: it writes demo data."
        );
        return ExitCode::from(2);
    }
    let result = async {
        let database =
            db::open_for_command(config.mongodb_uri.expose(), &config.mongodb_database).await?;
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
        let seeded = seed(&database, &options, today).await;
        db::close(&database).await;
        seeded
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
