//! One tick of the email engine over a large book: `open` open invoices, each with its next
//! reminder planned, of which `due` are due now. Reports how long claiming and handing the
//! due emails to Resend (a local stand-in answering at once) took, and memory. Run by
//! `bench/email-engine`, which provides the database; asserts nothing.

// Test and example code: a failed unwrap is a failed run, which is what it should be.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use axum::Json;
use axum::routing::post;
use futures::TryStreamExt;
use jiff::{SignedDuration, Timestamp};
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Document, doc, to_bson};
use paytrack::domain::client::ClientInput;
use paytrack::domain::date::CalendarDate;
use paytrack::domain::invoice_draft::{InvoiceInput, LineInput};
use paytrack::domain::status::InvoiceStatus;
use paytrack::server::db::email_jobs::EmailJobDoc;
use paytrack::server::db::{clients, invoices, schema, users};
use paytrack::server::email::Mailer;
use paytrack::server::email::resend::Resend;
use paytrack::server::jobs::clock::ManualClock;
use paytrack::server::jobs::engine::Engine;
use paytrack::server::jobs::plan::to_bson as instant;
use paytrack::server::secret::Secret;
use serde_json::{Value, json};

const CHUNK: usize = 10_000;

/// Commands sent to the database, by name.
#[derive(Default)]
struct CommandCounts(std::sync::Mutex<std::collections::BTreeMap<String, usize>>);

const WRITES: [&str; 4] = ["insert", "update", "delete", "findAndModify"];

impl CommandCounts {
    fn count(&self, name: &str) {
        *self.0.lock().unwrap().entry(name.to_string()).or_default() += 1;
    }

    fn reset(&self) {
        self.0.lock().unwrap().clear();
    }

    /// (write commands, everything else).
    fn totals(&self) -> (usize, usize) {
        let counts = self.0.lock().unwrap();
        let writes = WRITES.iter().filter_map(|w| counts.get(*w)).sum();
        (writes, counts.values().sum::<usize>() - writes)
    }

    fn by_kind(&self) -> String {
        let counts = self.0.lock().unwrap();
        counts
            .iter()
            .map(|(name, n)| format!("{name} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn memory(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .map(|l| l[field.len()..].trim().to_string())
        .unwrap_or_default()
}

fn seconds(since: Instant) -> String {
    format!("{:.1} s", since.elapsed().as_secs_f64())
}

/// A Resend stand-in that accepts everything at once and counts what it got.
async fn resend_stand_in(emails: Arc<AtomicUsize>) -> String {
    let single = emails.clone();
    let router = axum::Router::new()
        .route(
            "/emails/batch",
            post(move |Json(body): Json<Vec<Value>>| {
                let emails = emails.clone();
                async move {
                    emails.fetch_add(body.len(), Ordering::Relaxed);
                    let data: Vec<Value> = body
                        .iter()
                        .map(|_| json!({ "id": ObjectId::new().to_hex() }))
                        .collect();
                    Json(json!({ "data": data }))
                }
            }),
        )
        .route(
            "/emails",
            post(move |Json(_): Json<Value>| {
                let emails = single.clone();
                async move {
                    emails.fetch_add(1, Ordering::Relaxed);
                    Json(json!({ "id": ObjectId::new().to_hex() }))
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    address
}

/// The candidate query of a claim (what grows with the due set), timed `runs` times: p50.
async fn claim_query_p50(db: &mongodb::Database, now: Timestamp, runs: usize) -> f64 {
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let found: Vec<Document> = db
            .collection::<Document>("email_jobs")
            .find(doc! { "state": "scheduled", "due_at": { "$lte": instant(now) } })
            .projection(doc! { "_id": 1 })
            .limit(100)
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        std::hint::black_box(found);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("counts are whole numbers"))
        .collect();
    let open = args.first().copied().unwrap_or(1_000_000);
    let due = args.get(1).copied().unwrap_or(10_000).min(open);
    let uri = std::env::var("MONGODB_URI").expect("MONGODB_URI");
    let name = std::env::var("MONGODB_DATABASE").unwrap_or_else(|_| "engine_bench".into());
    // Every command the driver sends is counted by kind, to report the tick's round trips.
    let commands = Arc::new(CommandCounts::default());
    let counts = commands.clone();
    let mut options = mongodb::options::ClientOptions::parse(&uri).await.unwrap();
    options.command_event_handler = Some(mongodb::event::EventHandler::callback(
        move |event: mongodb::event::command::CommandEvent| {
            if let mongodb::event::command::CommandEvent::Started(started) = event {
                counts.count(&started.command_name);
            }
        },
    ));
    let db = mongodb::Client::with_options(options)
        .unwrap()
        .database(&name);
    schema::ensure(&db).await.unwrap();

    let now = Timestamp::now();
    let today: CalendarDate = CalendarDate::parse(&now.to_string()[..10]).unwrap();
    let (user, _) = users::find_or_create(
        &db,
        users::NewUser {
            email: "bench@paytrack.test",
            name: "Bench Freelancer",
            time_zone: "UTC",
        },
    )
    .await
    .unwrap();
    let client = ClientInput {
        name: "Bench Client".into(),
        emails: "client@bench.test".into(),
        company: String::new(),
        address: String::new(),
        currency: "USD".into(),
        notes: String::new(),
        reminders: true,
        ..ClientInput::default()
    }
    .parse()
    .unwrap();
    let client = clients::insert(&db, user.id, &client, mongodb::bson::DateTime::now())
        .await
        .unwrap();

    // Due in three days: the "3 days before" reminder is today's.
    let draft = InvoiceInput {
        client_id: client.id.to_hex(),
        issue_date: today.to_string(),
        due_date: today.add_days(3).unwrap().to_string(),
        currency: "USD".into(),
        lines: vec![LineInput {
            description: "Consulting".into(),
            quantity: "1".into(),
            unit_price: "250".into(),
        }],
        discount_kind: "none".into(),
        discount_value: String::new(),
        taxes: String::new(),
        notes: String::new(),
        ..InvoiceInput::default()
    }
    .parse()
    .unwrap();
    let totals = draft.totals(0).unwrap();
    let template = invoices::draft_document(
        user.id,
        0,
        "INV-0",
        invoices::Content {
            draft: &draft,
            totals: &totals,
            client: &client,
        },
        mongodb::bson::DateTime::now(),
    )
    .unwrap();
    let open_status = to_bson(&InvoiceStatus::Open).unwrap();

    println!("seeding {open} open invoices, {due} of them with a reminder due now…");
    let seeding = Instant::now();
    let mut ids = Vec::with_capacity(CHUNK);
    for start in (0..open).step_by(CHUNK) {
        let end = (start + CHUNK).min(open);
        let mut documents = Vec::with_capacity(end - start);
        ids.clear();
        for sequence in start..end {
            let mut invoice = template.clone();
            let id = ObjectId::new();
            invoice.insert("_id", id);
            invoice.insert("sequence", sequence as i64 + 1);
            invoice.insert("number", format!("INV-{:07}", sequence + 1));
            invoice.insert("status", open_status.clone());
            invoice.insert("sent_at", instant(now));
            invoice.insert("public_token", format!("bench-{id}"));
            documents.push(invoice);
            ids.push(id);
        }
        db.collection::<Document>("invoices")
            .insert_many(documents)
            .await
            .unwrap();
        let jobs: Vec<EmailJobDoc> = ids
            .iter()
            .enumerate()
            .map(|(i, invoice)| {
                let n = start + i;
                // The first `due` are due an hour ago; the rest over the next 30 days.
                let due_at = if n < due {
                    now - SignedDuration::from_hours(1)
                } else {
                    now + SignedDuration::from_mins(60 + (n % (30 * 24 * 60)) as i64)
                };
                EmailJobDoc::scheduled(user.id, *invoice, "reminder:-3", instant(due_at))
            })
            .collect();
        db.collection::<EmailJobDoc>("email_jobs")
            .insert_many(jobs)
            .await
            .unwrap();
        if (end / CHUNK).is_multiple_of(10) {
            println!("  {end} seeded ({})", seconds(seeding));
        }
    }
    println!("seeding: {}", seconds(seeding));

    let before = claim_query_p50(&db, now, 20).await;
    let accepted = Arc::new(AtomicUsize::new(0));
    let resend = resend_stand_in(accepted.clone()).await;
    let mailer = Resend::new(
        &resend,
        Secret::new("re_bench".into()),
        "PayTrack <reminders@paytrack.test>".into(),
    )
    .unwrap();
    let engine = Engine::new(
        db.clone(),
        Mailer::Resend(mailer),
        Arc::new(ManualClock::new(now)),
        "https://paytrack.test".into(),
    );
    let rss_before = memory("VmRSS:");
    commands.reset();
    let start = Instant::now();
    let report = engine.tick().await.unwrap();
    let tick = start.elapsed().as_secs_f64();
    let (writes, reads) = commands.totals();
    let after = claim_query_p50(&db, now, 20).await;

    println!("open invoices:            {open}");
    println!("due now:                  {due}");
    println!(
        "tick:                     {tick:.1} s ({:.0} emails/s)",
        report.sent as f64 / tick
    );
    println!(
        "  claimed {}, sent {}, skipped {}, failed {}, deferred {}, lost {}",
        report.claimed, report.sent, report.skipped, report.failed, report.deferred, report.lost
    );
    println!(
        "  time: claiming {:.1} s, reading and deciding {:.1} s, sending and recording {:.1} s",
        report.claiming.as_secs_f64(),
        report.deciding.as_secs_f64(),
        report.delivering.as_secs_f64()
    );
    println!(
        "  requests to Resend:     {} batches, {} emails received",
        report.batches,
        accepted.load(Ordering::Relaxed)
    );
    let per_email = |n: usize| n as f64 / report.sent.max(1) as f64;
    println!(
        "database commands:        {writes} writes ({:.2} per email sent), {reads} reads ({:.2} per email)",
        per_email(writes),
        per_email(reads)
    );
    println!("  by kind:                {}", commands.by_kind());
    println!(
        "claim query p50:          {before:.1} ms with {due} due, {after:.1} ms after the tick"
    );
    println!(
        "engine process memory:    RSS {rss_before} before, {} after, peak {}",
        memory("VmRSS:"),
        memory("VmHWM:")
    );
}
