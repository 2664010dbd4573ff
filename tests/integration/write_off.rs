//! Writing off what a client won't pay: a part-paid invoice stops being chased and owed, its
//! Stripe link and the client's link close, its payments stay, and it can't be voided or
//! written off again — for its owner only. Money the client pays after all (by hand, or on a
//! Stripe page they had open) is recorded and comes off what was written off.

use mongodb::bson::{Document, doc};

use crate::common::TestApp;
use crate::common::billing::{Answer, User};
use crate::payments_taken_off::remove;
use crate::stripe_connect::app_with_stripe;
use crate::stripe_payments::{KEY, TOTAL, jobs_in, outbox, send_one, with_client};

async fn write_off(who: &User<'_>, id: &str) -> Answer {
    who.form("/api/invoices/write-off", &[("id", id)]).await
}

/// What the owner is owed in USD, as the dashboard adds it up (0 when nothing is open).
pub async fn outstanding_usd(user: &User<'_>) -> i64 {
    let dashboard = user.form("/api/dashboard", &[]).await;
    assert_eq!(dashboard.status, 200, "{}", dashboard.body);
    dashboard.body["currencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|summary| summary["currency"] == "USD")
        .map_or(0, |usd| usd["outstanding"]["minor"].as_i64().unwrap())
}

pub async fn stored(app: &TestApp, id: &str) -> Document {
    app.db
        .collection::<Document>("invoices")
        .find_one(doc! { "_id": mongodb::bson::oid::ObjectId::parse_str(id).unwrap() })
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn what_a_client_wont_pay_is_written_off_unchased_and_unowed() {
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "writeoff@example.com", KEY, "Initech").await;
    let sent = send_one(&user, &client).await;
    let token = user.invoice(&sent.id).await.body["public_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let part = user.pay(&sent.id, "100").await;
    assert_eq!(part.status, 200, "{}", part.body);
    let left = TOTAL - 10_000;
    assert_eq!(outstanding_usd(&user).await, left);
    assert!(jobs_in(&app, &sent.id, "scheduled").await >= 1);

    // A draft has nothing owed yet; another user's invoice reads as not there.
    let (draft, _) = user.draft(&client).await;
    let refused = write_off(&user, &draft).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.to_string().contains("delete it instead"));
    let bob = app.user("bob-writeoff@example.com").await;
    let refused = write_off(&bob, &sent.id).await;
    assert_eq!(refused.status, 404, "{}", refused.body);
    assert_eq!(
        user.invoice(&sent.id).await.body["document"]["status"],
        "PartiallyPaid"
    );

    let written = write_off(&user, &sent.id).await;
    assert_eq!(written.status, 200, "{}", written.body);
    assert_eq!(written.body["document"]["status"], "WrittenOff");
    assert!(written.body["written_off_on"].is_string());
    assert!(written.body["public_url"].is_null());
    // What was paid stays paid; what was left is what was written off.
    assert_eq!(written.body["document"]["totals"]["paid"]["minor"], 10_000);
    assert_eq!(written.body["document"]["totals"]["due"]["minor"], left);

    assert_eq!(outstanding_usd(&user).await, 0, "no longer owed");
    assert_eq!(jobs_in(&app, &sent.id, "scheduled").await, 0, "not chased");
    let link = stripe.object(&sent.link).unwrap();
    assert_eq!(link["active"], false, "the Stripe link is closed");
    let dead = app
        .http
        .get(app.url(&format!("/i/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(dead.status(), 404, "the client's link stops working");
    let dashboard = user.form("/api/dashboard", &[]).await.body.to_string();
    assert!(dashboard.contains("Written off"), "{dashboard}");
    // The client's record says so, and their balance is nothing.
    let page = user
        .ok_form(&paytrack::api::clients::GetClient { id: client.clone() })
        .await;
    assert_eq!(page.habits.written_off, 1);
    assert_eq!(
        page.habits.written_off_text().as_deref(),
        Some("1 invoice written off.")
    );
    assert!(page.balances.is_empty(), "{:?}", page.balances);

    // The list finds it under its own filter, not among what is outstanding.
    let number = written.body["document"]["number"].as_str().unwrap();
    let (outstanding, _) = user.every_page(&[("status", "outstanding")]).await;
    assert!(!outstanding.iter().any(|n| n == number), "{outstanding:?}");
    let (written_off, _) = user.every_page(&[("status", "written-off")]).await;
    assert_eq!(written_off, vec![number.to_string()]);

    // No second write-off, no void; each says why and changes nothing.
    for (answer, says) in [
        (write_off(&user, &sent.id).await, "already written off"),
        (
            user.form("/api/invoices/void", &[("id", &sent.id)]).await,
            "stays as it was sent",
        ),
    ] {
        assert_eq!(answer.status, 422, "{}", answer.body);
        assert!(answer.body.to_string().contains(says), "{}", answer.body);
    }
    let after = stored(&app, &sent.id).await;
    assert_eq!(after.get_str("status").unwrap(), "WrittenOff");
    assert_eq!(after.get_i64("paid_minor").unwrap(), 10_000);
    assert_eq!(after.get_i64("due_minor").unwrap(), left);
}

#[tokio::test]
async fn a_client_who_pays_after_all_is_recorded_against_what_was_written_off() {
    let (app, _stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "after-all@example.com", KEY, "Initech").await;
    let sent = send_one(&user, &client).await;
    assert_eq!(user.pay(&sent.id, "100").await.status, 200);
    let left = TOTAL - 10_000;
    assert_eq!(write_off(&user, &sent.id).await.status, 200);

    // 50.00 comes after all: recorded, and what was written off shrinks; still not owed or
    // chased.
    let part = user.pay(&sent.id, "50").await;
    assert_eq!(part.status, 200, "{}", part.body);
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "WrittenOff", "{invoice}");
    assert_eq!(invoice["document"]["totals"]["paid"]["minor"], 15_000);
    assert_eq!(invoice["document"]["totals"]["due"]["minor"], left - 5_000);
    assert_eq!(outstanding_usd(&user).await, 0);
    assert_eq!(jobs_in(&app, &sent.id, "scheduled").await, 0);
    // Never more than what was written off.
    let too_much = user.pay(&sent.id, "1000").await;
    assert_eq!(too_much.status, 200, "{}", too_much.body);
    assert!(
        too_much.body.to_string().contains("That is more than the"),
        "{}",
        too_much.body
    );
    assert_eq!(
        user.invoice(&sent.id).await.body["document"]["totals"]["due"]["minor"],
        left - 5_000
    );

    // Typed by mistake: taken off, it goes back onto what was written off, not owed again.
    let typed = invoice["hand_payments"][1]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let removed = remove(&user, &sent.id, &typed).await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    assert_eq!(removed.body["document"]["status"], "WrittenOff");
    assert_eq!(removed.body["document"]["totals"]["due"]["minor"], left);
    assert_eq!(outstanding_usd(&user).await, 0);

    // All of it: paid, and the page says it was written off and paid after all.
    let rest = format!("{}.{:02}", left / 100, left % 100);
    let paid = user.pay(&sent.id, &rest).await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "Paid", "{invoice}");
    assert_eq!(invoice["document"]["totals"]["due"]["minor"], 0);
    assert!(invoice["written_off_on"].is_string());
    assert_eq!(jobs_in(&app, &sent.id, "scheduled").await, 0);
    let page = user
        .ok_form(&paytrack::api::clients::GetClient { id: client.clone() })
        .await;
    assert_eq!(page.habits.written_off, 0, "{:?}", page.habits);

    // And that payment taken off again: written off once more, never owed behind the user's back.
    let last = invoice["hand_payments"][1]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let removed = remove(&user, &sent.id, &last).await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    assert_eq!(removed.body["document"]["status"], "WrittenOff");
    assert_eq!(removed.body["document"]["totals"]["due"]["minor"], left);
    assert_eq!(outstanding_usd(&user).await, 0);
    assert_eq!(jobs_in(&app, &sent.id, "scheduled").await, 0);
}

#[tokio::test]
async fn stripe_money_after_a_write_off_is_recorded_not_called_paid_twice() {
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "page-open@example.com", KEY, "Initech").await;
    let sent = send_one(&user, &client).await;
    // The client has the payment page open when the invoice is written off, and pays there.
    let page = stripe.open_checkout(&sent.link).unwrap();
    assert_eq!(write_off(&user, &sent.id).await.status, 200);
    stripe.pay(&page, "paid").await.unwrap();

    let invoice = user.invoice(&sent.id).await.body;
    assert_eq!(invoice["document"]["status"], "Paid", "{invoice}");
    assert_eq!(invoice["document"]["totals"]["paid"]["minor"], TOTAL);
    assert!(
        invoice["extra_payments"]
            .as_array()
            .is_none_or(Vec::is_empty)
    );
    assert!(outbox(&app, "paid_twice").await.is_empty());
    assert_eq!(outstanding_usd(&user).await, 0);
}
