//! The Free plan's limits, refused in the server functions with words that say what Pro
//! lifts (requests at once cannot pass a limit together), lifted by upgrading, and shown on
//! the pricing and landing pages as this installation sets them.

use serde_json::{Value, json};

use crate::common::TestApp;
use crate::common::billing::{Answer, invoice_input};
use crate::plans::{Billing, app_with_billing};
use paytrack::api::invoices::CreateInvoice;

fn refused_by_plan(answer: &Answer, expected: &str) {
    assert_eq!(answer.status, 402, "{}", answer.body);
    let text = answer.body.to_string();
    assert!(text.contains(expected), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn requests_at_once_cannot_pass_a_free_limit_together() {
    let Billing { app, .. } = app_with_billing().await;
    let user = app.user("racing@example.com").await;
    let names: Vec<String> = (0..8).map(|i| format!("Client {i}")).collect();
    let answers = futures::future::join_all(names.iter().map(|n| user.new_client(n))).await;
    let saved = answers.iter().filter(|a| a.status == 200).count();
    assert_eq!(
        saved, 3,
        "exactly the Free limit of active clients is created"
    );
    for refused in answers.iter().filter(|a| a.status != 200) {
        refused_by_plan(refused, "up to 3 active clients");
    }

    let clients = user
        .form(
            "/api/clients/list",
            &[("search", ""), ("include_archived", "false")],
        )
        .await;
    assert_eq!(
        clients.body["clients"].as_array().unwrap().len(),
        3,
        "{}",
        clients.body
    );

    // The same for invoices: five a month on Free, however many are asked for at once.
    let client = answers.iter().find(|a| a.status == 200).unwrap().body["Saved"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let creates: Vec<CreateInvoice> = (0..9)
        .map(|_| CreateInvoice {
            input: invoice_input(&client),
        })
        .collect();
    let drafts = futures::future::join_all(creates.iter().map(|args| user.call(args))).await;
    assert_eq!(drafts.iter().filter(|a| a.status == 200).count(), 5);
    assert_eq!(user.billing().await["invoices_this_month"], 5);
}

#[tokio::test]
async fn free_limits_are_refused_on_the_server_and_lifted_by_pro() {
    let Billing { app, stripe, .. } = app_with_billing().await;
    let user = app.user("free@example.com").await;
    let overview = user.billing().await;
    assert_eq!(overview["enabled"], true);
    assert_eq!(overview["plan"], "free");

    // Three active clients; a fourth is refused; archiving one makes room; restoring is refused.
    let mut clients = Vec::new();
    for name in ["One", "Two", "Three"] {
        clients.push(user.client(name).await);
    }
    refused_by_plan(&user.new_client("Four").await, "up to 3 active clients");
    let archived = user
        .form(
            "/api/clients/archive",
            &[("id", clients[0].as_str()), ("archived", "true")],
        )
        .await;
    assert_eq!(archived.status, 200, "{}", archived.body);
    user.client("Four").await;
    let restore = user
        .form(
            "/api/clients/archive",
            &[("id", clients[0].as_str()), ("archived", "false")],
        )
        .await;
    refused_by_plan(&restore, "up to 3 active clients");
    assert_eq!(user.billing().await["active_clients"], 3);

    // Five invoices this month; the sixth (new or duplicated) is refused, nothing is saved.
    let mut first = String::new();
    for n in 0..5 {
        let (id, _) = user.draft(&clients[1]).await;
        if n == 0 {
            first = id;
        }
    }
    let input = invoice_input(&clients[1]);
    let sixth = user.call(&CreateInvoice { input }).await;
    refused_by_plan(&sixth, "5 new invoices a month");
    refused_by_plan(
        &user
            .form("/api/invoices/duplicate", &[("id", first.as_str())])
            .await,
        "5 new invoices a month",
    );
    assert_eq!(user.billing().await["invoices_this_month"], 5);

    // Reminder policies up to two steps; Stripe payment links are Pro.
    let policy = |steps: usize| {
        let steps: Vec<Value> = (0..steps)
            .map(|i| json!({ "offset_days": (i * 7).to_string(), "subject": "Invoice {{invoice_number}}", "body": "Please pay {{pay_link}}" }))
            .collect();
        json!({ "send_hour": "9", "steps": steps })
    };
    refused_by_plan(
        &user.json("/api/reminders/save", policy(3)).await,
        "up to 2 reminders",
    );
    assert_eq!(
        user.json("/api/reminders/save", policy(2)).await.status,
        200
    );
    refused_by_plan(
        &user
            .form(
                "/api/stripe/connect",
                &[("key", "rk_test_51SomeUsersOwnKey000011")],
            )
            .await,
        "part of Pro",
    );
    // Before sending, the draft says its client will see no way to pay, and that on Free
    // connecting Stripe alone would not change that.
    assert_eq!(
        user.invoice(&first).await.body["pay_way"],
        json!({ "Unsaid": { "needs_pro": true } })
    );

    // The client's page carries PayTrack's name on Free.
    let sent = user.send(&first).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let token = sent.body["public_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let public = |token: String| {
        let app = &app;
        async move {
            let response = app
                .call("/api/public/invoice", &[("token", token.as_str())])
                .await;
            response.json::<Value>().await.unwrap()
        }
    };
    assert_eq!(public(token.clone()).await["branded"], true);

    // Upgrade: every limit lifts, and the branding goes.
    user.upgrade(&stripe, "month").await;
    assert_eq!(public(token).await["branded"], false);
    let overview = user.billing().await;
    assert_eq!(overview["plan"], "pro", "{overview}");
    assert_eq!(overview["status"], "active");
    assert_eq!(overview["interval"], "month");
    assert_eq!(user.new_client("Five").await.status, 200);
    let restore = user
        .form(
            "/api/clients/archive",
            &[("id", clients[0].as_str()), ("archived", "false")],
        )
        .await;
    assert_eq!(restore.status, 200, "{}", restore.body);
    let connected = user
        .form(
            "/api/stripe/connect",
            &[("key", "rk_test_51SomeUsersOwnKey000011")],
        )
        .await;
    assert_eq!(connected.status, 200, "{}", connected.body);
    assert!(
        connected.body["Connected"].is_object(),
        "{}",
        connected.body
    );
    assert_eq!(
        user.form("/api/invoices/duplicate", &[("id", first.as_str())])
            .await
            .status,
        200
    );
    assert_eq!(
        user.json("/api/reminders/save", policy(5)).await.status,
        200
    );
    // Pro already: no second checkout.
    assert_eq!(
        user.form("/api/billing/checkout", &[("interval", "year")])
            .await
            .status,
        422
    );
}

async fn page(app: &TestApp, path: &str) -> String {
    let response = app.http.get(app.url(path)).send().await.unwrap();
    response.text().await.unwrap()
}

#[tokio::test]
async fn the_pricing_and_landing_pages_show_this_installations_free_limits() {
    let Billing { app, .. } = app_with_billing().await;
    for path in ["/pricing", "/"] {
        let html = page(&app, path).await;
        assert!(html.contains("Up to 3 active clients"), "{path}: {html}");
        assert!(html.contains("5 new invoices a month"), "{path}");
        assert!(html.contains("Go Pro"), "{path}");
    }

    let unbilled = crate::common::spawn_app().await;
    for path in ["/pricing", "/"] {
        let html = page(&unbilled, path).await;
        assert!(
            html.contains("no plans: everything is included"),
            "{path}: {html}"
        );
    }
}
