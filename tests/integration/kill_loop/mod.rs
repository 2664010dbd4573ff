//! The fault loop: real `paytrack send-due` and `paytrack reconcile` processes killed with
//! SIGKILL at seeded random moments, between payments by hand and through Stripe, voids,
//! pauses, resumes and a disconnect — with Resend failing, answering slowly or losing answers
//! after sending, and Stripe down now and then. After every iteration the invariants are
//! checked:
//!
//! - no email for an invoice after its payment, void or pause was acknowledged;
//! - no step sent twice;
//! - every open invoice has exactly one invoice email, sent or planned;
//! - every payment Stripe took is on its invoice or noted as paid twice (once the
//!   transactions of killed processes have run out, as later reconciliation passes would);
//! - an action on one user's invoice changes nothing of another user's.
//!
//! `PAYTRACK_FAULT_SEED` and `PAYTRACK_FAULT_ITERATIONS` repeat or lengthen a run.

mod invariants;
mod processes;

use std::collections::HashMap;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use mongodb::bson::doc;

use crate::common::billing::User;
use crate::common::chasing::sent_invoice_answer;
use crate::common::resend::{Chaos, ResendStandIn};
use crate::common::{spawn_app_with, test_mongodb_uri};
use crate::stripe_stand_in::StripeStandIn;
use invariants::{check, fingerprint, unrecorded};
use processes::{ABANDONED_TRANSACTION_LIFETIME, command, run};

const SEED: u64 = 0x5EED_2026_1201;
const ITERATIONS: u64 = 50;
/// Users' Stripe keys are sealed under it; the commands must open them too.
const MASTER_KEY: &str = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=";
const ADA_KEY: &str = "rk_test_51KillLoopAdaKeyWebhook0011";
const BOB_KEY: &str = "rk_test_51nowebhooksKillLoopBobKey22";

/// The same generator as the stand-in's faults, on its own stream.
struct Draw(Chaos);

impl Draw {
    fn below(&mut self, n: u64) -> u64 {
        self.0.next() % n
    }
}

#[derive(Clone)]
struct Invoice {
    owner: usize,
    id: String,
    /// The Stripe payment link's id, when sent with one.
    link: Option<String>,
}

/// What the user was told happened to an invoice, and how many emails had gone by then.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Ack {
    Paid,
    Void,
    Paused,
}

#[derive(Default, Debug)]
struct Tally {
    send_due_killed: u32,
    reconcile_killed: u32,
    stripe_outages: u32,
    stripe_payments: u32,
    /// Reconciliation passes run again because a payment's recording had been put off.
    passes_put_off: u32,
    actions: HashMap<&'static str, u32>,
}

async fn send(user: &User<'_>, client: &str, due_in: i64) -> (String, Option<String>) {
    let (id, sent) = sent_invoice_answer(user, client, due_in).await;
    let link = sent["document"]["pay_url"]
        .as_str()
        .map(|url| url.rsplit("test_").next().unwrap().to_string());
    (id, link)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_senders_and_reconcilers_keep_every_promise() {
    let seed = std::env::var("PAYTRACK_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SEED);
    let iterations = std::env::var("PAYTRACK_FAULT_ITERATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(ITERATIONS);
    let stripe = StripeStandIn::new();
    let stripe_base = stripe.serve(0).await;
    let app = spawn_app_with(
        &test_mongodb_uri(),
        &[
            ("STRIPE_API_BASE", stripe_base.as_str()),
            ("PAYTRACK_MASTER_KEY", MASTER_KEY),
        ],
    )
    .await;
    let (resend, stand_in) = ResendStandIn::start().await;

    // Ada (Stripe with a webhook), Bob (Stripe, no webhook: only reconciliation sees his
    // payments) and Cara (no Stripe, never touched: the bystander).
    let users = [
        app.user("ada@example.com").await,
        app.user("bob@example.com").await,
        app.user("cara@example.com").await,
    ];
    users[0]
        .form("/api/stripe/connect", &[("key", ADA_KEY)])
        .await;
    users[1]
        .form("/api/stripe/connect", &[("key", BOB_KEY)])
        .await;
    let mut invoices: Vec<Invoice> = Vec::new();
    for (owner, user) in users.iter().enumerate() {
        let client = user.client(&format!("Client of {owner}")).await;
        for due_in in 1..=8 {
            let (id, link) = send(user, &client, due_in).await;
            invoices.push(Invoice { owner, id, link });
        }
    }
    assert!(invoices[..16].iter().all(|i| i.link.is_some()));
    let invoice_emails = app.count("outbox", doc! { "kind": "invoice" }).await;
    assert_eq!(invoice_emails, 24, "each invoice emailed when sent");

    let mut draw = Draw(Chaos {
        state: seed,
        faulty: 0,
        slowest_ms: 0,
    });
    stand_in.chaos(Chaos {
        state: seed ^ 0xFA17,
        faulty: 30,
        slowest_ms: 120,
    });
    let mut acks: HashMap<String, (Ack, usize)> = HashMap::new();
    let mut stripe_paid: Vec<String> = Vec::new();
    let mut tally = Tally::default();
    let mut at = Timestamp::now();
    let mut disconnected = false;

    for iteration in 0..iterations {
        // One action by Ada or Bob, on one of their invoices.
        let owner = draw.below(2) as usize;
        let mine: Vec<&Invoice> = invoices.iter().filter(|i| i.owner == owner).collect();
        let invoice = mine[draw.below(mine.len() as u64) as usize].clone();
        let user = &users[owner];
        let status = app.invoice_doc(&invoice.id).await;
        let open = matches!(status.get_str("status"), Ok("Open" | "PartiallyPaid"));
        let before = fingerprint(&app, &invoices, owner).await;
        if draw.below(4) == 0 {
            stripe.fail_next(3, 503, "api_error", None, "Stripe is down");
            tally.stripe_outages += 1;
        }
        let sent_so_far = stand_in.sent_in_order().len();
        let action = match draw.below(6) {
            0 if open => {
                let paid = user.pay(&invoice.id, "201.56").await;
                assert_eq!(paid.status, 200, "{}", paid.body);
                acks.insert(invoice.id.clone(), (Ack::Paid, sent_so_far));
                "pay by hand"
            }
            1 if open => {
                let void = user
                    .form("/api/invoices/void", &[("id", &invoice.id)])
                    .await;
                assert_eq!(void.status, 200, "{}", void.body);
                acks.insert(invoice.id.clone(), (Ack::Void, sent_so_far));
                "void"
            }
            2 if open && !acks.contains_key(&invoice.id) => {
                let pause = user
                    .form("/api/reminders/pause", &[("id", &invoice.id)])
                    .await;
                assert_eq!(pause.status, 200, "{}", pause.body);
                acks.insert(invoice.id.clone(), (Ack::Paused, sent_so_far));
                "pause"
            }
            3 if acks.get(&invoice.id).is_some_and(|a| a.0 == Ack::Paused) => {
                let resume = user
                    .form("/api/reminders/resume", &[("id", &invoice.id)])
                    .await;
                assert_eq!(resume.status, 200, "{}", resume.body);
                acks.remove(&invoice.id);
                "resume"
            }
            4 if invoice.link.is_some() => {
                // Fails when the link was closed: then nothing was paid.
                let link = invoice.link.as_deref().unwrap();
                if stripe.pay(link, "paid").await.is_ok() {
                    stripe_paid.push(invoice.id.clone());
                    tally.stripe_payments += 1;
                }
                "client pays through Stripe"
            }
            _ if owner == 1 && !disconnected && iteration >= iterations / 2 => {
                let answer = user.form("/api/stripe/disconnect", &[]).await;
                disconnected = answer.status == 200;
                "disconnect"
            }
            _ => "nothing",
        };
        *tally.actions.entry(action).or_default() += 1;
        assert_eq!(
            before,
            fingerprint(&app, &invoices, owner).await,
            "iteration {iteration}: `{action}` by user {owner} changed another user's invoice"
        );

        // The engine and reconciliation, each perhaps killed mid-pass, then each run clean
        // after the leases of the killed ones ran out.
        at = at.checked_add(SignedDuration::from_hours(6)).unwrap();
        let kill = |d: &mut Draw| (d.below(10) < 7).then(|| Duration::from_millis(d.below(600)));
        let when = at.to_string();
        let send_kill = kill(&mut draw);
        let reconcile_kill = kill(&mut draw);
        if run(
            command(&app, &resend, &stripe_base, &["send-due", "--at", &when]),
            send_kill,
        )
        .await
        {
            tally.send_due_killed += 1;
        }
        if run(
            command(&app, &resend, &stripe_base, &["reconcile", "--at", &when]),
            reconcile_kill,
        )
        .await
        {
            tally.reconcile_killed += 1;
        }
        let after_leases = at
            .checked_add(SignedDuration::from_mins(10))
            .unwrap()
            .to_string();
        run(
            command(
                &app,
                &resend,
                &stripe_base,
                &["send-due", "--at", &after_leases],
            ),
            None,
        )
        .await;
        let reconcile = || {
            command(
                &app,
                &resend,
                &stripe_base,
                &["reconcile", "--at", &after_leases],
            )
        };
        run(reconcile(), None).await;
        // A process killed inside a transaction leaves what it wrote locked until the
        // database gives the transaction up (60 s); a payment whose recording collided with
        // that is put off to a later pass. Later passes, as often as a cron would run them,
        // must record it once the lock is gone.
        let unlocked = std::time::Instant::now() + ABANDONED_TRANSACTION_LIFETIME;
        while !unrecorded(&app, &stripe_paid).await.is_empty()
            && std::time::Instant::now() < unlocked
        {
            tally.passes_put_off += 1;
            tokio::time::sleep(Duration::from_secs(5)).await;
            run(reconcile(), None).await;
        }

        check(&app, &invoices, &stand_in, &acks, &stripe_paid, iteration).await;
    }
    println!(
        "fault loop: seed {seed:#x}, {iterations} iterations; send-due killed {}, reconcile killed {}; \
         Resend requests {} (30% faulty), emails sent {}; Stripe outages {}, Stripe payments {}; \
         passes run again for a payment put off {}; actions {:?}; violations 0",
        tally.send_due_killed,
        tally.reconcile_killed,
        stand_in.requests().len(),
        stand_in.sent_in_order().len(),
        tally.stripe_outages,
        tally.stripe_payments,
        tally.passes_put_off,
        tally.actions,
    );
}
