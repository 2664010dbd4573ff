//! Disconnecting Stripe first closes every payment link that could still take money, or
//! disconnects nothing; with a key Stripe already refuses, the user is told which links to
//! close in Stripe themselves. After going from a test key to a live one, the test key's
//! links are out of reach and left alone.

use mongodb::bson::{Document, doc, oid::ObjectId};
use serde_json::Value;

use crate::stripe_connect::{app_with_stripe, notices};
use crate::stripe_links::{link_active, outage};
use crate::stripe_payments::{KEY, send_one, with_client};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disconnecting_closes_every_open_link_first_or_disconnects_nothing() {
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "leaver@example.com", KEY, "Globex").await;
    let first = send_one(&user, &client).await;
    let second = send_one(&user, &client).await;

    // Stripe unreachable: nothing is disconnected, the links stay as they were.
    outage(&stripe, 2);
    let refused = user.form("/api/stripe/disconnect", &[]).await;
    assert_ne!(refused.status, 200);
    assert!(
        refused
            .body
            .to_string()
            .contains("nothing was disconnected"),
        "{}",
        refused.body
    );
    assert_ne!(user.stripe_view().await, Value::Null);

    // Then it goes: both links closed in Stripe before the key is deleted.
    assert_eq!(user.form("/api/stripe/disconnect", &[]).await.status, 200);
    assert_eq!(user.stripe_view().await, Value::Null);
    for sent in [&first, &second] {
        assert!(!link_active(&stripe, &sent.link), "{}", sent.link);
        let invoice = user.invoice(&sent.id).await.body;
        assert_eq!(invoice["document"]["pay_url"], Value::Null);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disconnecting_with_a_revoked_key_names_the_links_left_to_close_in_stripe() {
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "revoked@example.com", KEY, "Umbrella").await;
    let sent = send_one(&user, &client).await;
    let number = user.invoice(&sent.id).await.body["document"]["number"]
        .as_str()
        .unwrap()
        .to_string();

    stripe.revoke(KEY);
    assert_eq!(user.form("/api/stripe/disconnect", &[]).await.status, 200);
    assert!(
        link_active(&stripe, &sent.link),
        "only the user can close it now"
    );
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(
        invoice["document"]["pay_url"],
        Value::Null,
        "no longer offered"
    );
    let told = notices(&app, "revoked@example.com").await;
    let last = told.last().unwrap();
    assert!(last.contains("disconnected"), "{last}");
    assert!(
        last.contains(&number) && last.contains("deactivate them"),
        "{last}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_going_live_the_test_keys_links_are_left_alone() {
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "going-live@example.com", KEY, "Hooli").await;
    let tried = send_one(&user, &client).await;
    // The same account's live key: the test link does not exist for it (and takes only test
    // money), so nothing about it is asked of Stripe, now or later.
    let live_key = KEY.replacen("_test_", "_live_", 1);
    user.connect_stripe(&live_key).await;
    let next_look = || async {
        let id = ObjectId::parse_str(&tried.id).unwrap();
        let stored = app
            .db
            .collection::<Document>("invoices")
            .find_one(doc! { "_id": id })
            .await
            .unwrap()
            .unwrap();
        stored.get("stripe_check_at").cloned()
    };
    let planned = next_look().await;
    let before = stripe.received().len();
    let void = user.form("/api/invoices/void", &[("id", &tried.id)]).await;
    assert_eq!(void.status, 200, "{}", void.body);
    let asked = stripe.received()[before..]
        .iter()
        .filter(|r| r.path.contains(&tried.link))
        .count();
    assert_eq!(asked, 0);
    assert_eq!(next_look().await, planned, "no retry planned");

    // Disconnecting closes the live link and names no test invoice as left open.
    let live = send_one(&user, &client).await;
    assert_eq!(user.form("/api/stripe/disconnect", &[]).await.status, 200);
    assert!(!link_active(&stripe, &live.link));
    assert!(
        link_active(&stripe, &tried.link),
        "test mode: not PayTrack's to close"
    );
    let told = notices(&app, "going-live@example.com").await;
    let last = told.last().unwrap();
    assert!(last.contains("disconnected"), "{last}");
    assert!(!last.contains("deactivate them"), "{last}");
}
