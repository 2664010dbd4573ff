//! Two PayTrack servers against one database, as deployed behind a load balancer: both serve
//! users and both run the email engine. Invoices are sent through either, time moves on a
//! month, and every email still goes exactly once.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use paytrack::server::jobs::clock::ManualClock;

use crate::common::billing::User;
use crate::common::chasing::{engine_on, reminder_keys, sent_invoice};
use crate::common::resend::ResendStandIn;
use crate::common::{TestApp, spawn_app_with, test_mongodb_uri, unique_name};

async fn server(database: &str, resend: &str) -> TestApp {
    spawn_app_with(
        &test_mongodb_uri(),
        &[
            ("MONGODB_DATABASE", database),
            ("RESEND_BASE_URL", resend),
            ("RESEND_API_KEY", "re_test_two_servers"),
            // The servers' own engines run, every second, on the real clock.
            ("PAYTRACK_EMAIL_WORKER_SECONDS", "1"),
        ],
    )
    .await
}

/// A user with a session (the login link would go to the Resend stand-in, not an outbox).
async fn signed_in<'a>(app: &'a TestApp, email: &str) -> User<'a> {
    use paytrack::server::{auth::session, db::users};
    let new = users::NewUser {
        email,
        name: "Test",
        time_zone: "Europe/Paris",
    };
    let (user, _) = users::find_or_create(&app.db, new).await.unwrap();
    let origin = session::Origin {
        user_agent: "test".to_string(),
        ip: "127.0.0.1".to_string(),
        method: "email_link",
    };
    let cookie = session::start(&app.db, user.id, origin, mongodb::bson::DateTime::now())
        .await
        .unwrap();
    User { app, cookie }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_with_their_engines_send_every_email_exactly_once() {
    let (resend, stand_in) = ResendStandIn::start().await;
    let database = unique_name("shared");
    let (a, b) = (
        server(&database, &resend).await,
        server(&database, &resend).await,
    );

    // Ada works through server A, Bob through B; each sends some invoices through the other.
    let ada = signed_in(&a, "ada@example.com").await;
    let bob = signed_in(&b, "bob@example.com").await;
    let ada_on_b = User {
        app: &b,
        cookie: ada.cookie.clone(),
    };
    let bob_on_a = User {
        app: &a,
        cookie: bob.cookie.clone(),
    };
    let (ada_client, bob_client) = (
        ada.client("Grace Hopper").await,
        bob.client("Alan Turing").await,
    );
    let mut invoices = Vec::new();
    for due_in in [5, 10, 20] {
        invoices.push(sent_invoice(&ada, &ada_client, due_in).await);
        invoices.push(sent_invoice(&ada_on_b, &ada_client, due_in).await);
        invoices.push(sent_invoice(&bob, &bob_client, due_in).await);
        invoices.push(sent_invoice(&bob_on_a, &bob_client, due_in).await);
    }

    // A month passes. Each server's engine (on a clock the test moves) runs at the same time
    // as the other's, every six hours, while the servers' own workers keep ticking too.
    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    let engine_a = engine_on(a.db.clone(), &a, &resend, clock.clone());
    let engine_b = engine_on(b.db.clone(), &b, &resend, clock.clone());
    for _ in 0..45 * 4 {
        clock.advance(SignedDuration::from_hours(6));
        let (ra, rb) = tokio::join!(engine_a.tick(), engine_b.tick());
        ra.unwrap();
        rb.unwrap();
    }

    // sent_keys fails on any email sent twice.
    let sent = stand_in.sent_keys();
    let mut expected: Vec<String> = invoices
        .iter()
        .flat_map(|invoice| {
            let mut keys = reminder_keys(invoice, &[-3, 0, 3, 7, 14]);
            keys.push(format!("paytrack-{invoice}-invoice"));
            keys
        })
        .collect();
    expected.sort();
    assert_eq!(sent, expected);
    assert!(stand_in.duplicates().is_empty());
}
