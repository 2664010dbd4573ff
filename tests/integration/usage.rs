//! Usage insight: product events counted per day with nothing about who, and the operators'
//! page that reads them (only for the accounts in PAYTRACK_OPERATORS).

use futures::TryStreamExt;
use mongodb::bson::{Document, doc};

use crate::common::{spawn_app_with, test_mongodb_uri};

#[tokio::test]
async fn events_are_counted_without_personal_data_and_only_operators_see_them() {
    let app = spawn_app_with(
        &test_mongodb_uri(),
        &[("PAYTRACK_OPERATORS", "Ops@Example.com, second@example.com")],
    )
    .await;
    let user = app.user("freelancer@example.com").await;
    let acme = user.client("Acme").await;
    user.client("Globex").await;
    let (invoice, _) = user.draft(&acme).await;
    assert_eq!(user.send(&invoice).await.status, 200);
    assert_eq!(user.pay(&invoice, "201.56").await.status, 200);

    // Not an operator: the page does not exist for them.
    assert_eq!(user.form("/api/operator/usage", &[]).await.status, 404);
    assert_eq!(app.me(&user.cookie).await.0["operator"], false);

    let operator = app.user("ops@example.com").await;
    assert_eq!(app.me(&operator.cookie).await.0["operator"], true);
    let report = operator.form("/api/operator/usage", &[]).await;
    assert_eq!(report.status, 200, "{}", report.body);
    let body = report.body;
    assert_eq!(body["days"].as_array().unwrap().len(), 30);
    let today = |key: &str| {
        body["series"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == key)
            .unwrap()["counts"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .as_i64()
            .unwrap()
    };
    assert_eq!(today("sign_up"), 2);
    assert_eq!(today("client_created"), 2);
    assert_eq!(today("invoice_sent"), 1);
    assert_eq!(today("invoice_paid"), 1);
    assert_eq!(today("reminder_sent"), 0);
    assert_eq!(body["active_users"], 2);
    // Without billing everyone is on Pro; what they collected is summed per currency.
    let pro = body["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["plan"] == "pro")
        .unwrap();
    assert_eq!(pro["users"], 2);
    assert_eq!(pro["collected"][0]["minor"], 20_156);

    // What is stored is counts by day and event, and nothing else.
    let stored: Vec<Document> = app
        .db
        .collection::<Document>("usage_daily")
        .find(doc! {})
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(stored.len(), 4);
    for row in stored {
        let mut keys: Vec<&str> = row.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["_id", "count", "day", "event"], "{row:?}");
    }
}
