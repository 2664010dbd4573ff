//! PayTrack's own plans, against the Stripe stand-in playing PayTrack's Stripe account: Free
//! limits refused in the server functions, Checkout to upgrade, billing webhooks (signed with
//! the library's test-header helper) moving the plan, and account deletion canceling first.

use reqwest::header::COOKIE;
use serde_json::{Value, json};

use crate::common::billing::{Answer, User, client_input, invoice_input};
use crate::common::resend::{ResendStandIn, sent_invoice};
use crate::common::sign_in::location;
use crate::common::{TestApp, spawn_app_with, test_mongodb_uri};
use crate::stripe_stand_in::StripeStandIn;
use paytrack::api::clients::CreateClient;
use paytrack::api::invoices::CreateInvoice;

/// PayTrack's own key (the stand-in makes it its own account).
const PAYTRACK_KEY: &str = "sk_test_51PayTrackOwnBillingAccount01";

pub(crate) struct Billing {
    pub app: TestApp,
    pub stripe: StripeStandIn,
    secret: String,
    /// Where the Stripe stand-in answers.
    pub base: String,
}

pub(crate) async fn app_with_billing() -> Billing {
    let stripe = StripeStandIn::new();
    let base = stripe.serve(0).await;
    let secret = format!("whsec_{}", mongodb::bson::oid::ObjectId::new().to_hex());
    let app = spawn_app_with(
        &test_mongodb_uri(),
        &[
            ("STRIPE_API_BASE", base.as_str()),
            ("STRIPE_SECRET_KEY", PAYTRACK_KEY),
            ("STRIPE_WEBHOOK_SECRET", secret.as_str()),
            ("STRIPE_PRICE_PRO_MONTHLY", "price_pro_monthly"),
            ("STRIPE_PRICE_PRO_YEARLY", "price_pro_yearly"),
        ],
    )
    .await;
    // The operator added PayTrack's billing webhook in the dashboard.
    stripe.add_endpoint(PAYTRACK_KEY, &app.url("/webhooks/stripe/billing"), &secret);
    Billing {
        app,
        stripe,
        secret,
        base,
    }
}

impl User<'_> {
    async fn billing(&self) -> Value {
        self.form("/api/billing", &[]).await.body
    }

    async fn new_client(&self, name: &str) -> Answer {
        self.call(&CreateClient {
            input: client_input(name),
        })
        .await
    }

    /// Goes to Checkout and pays; returns the subscription id.
    async fn upgrade(&self, stripe: &StripeStandIn, interval: &str) -> String {
        let url = self
            .form("/api/billing/checkout", &[("interval", interval)])
            .await;
        assert_eq!(url.status, 200, "{}", url.body);
        let session = url
            .body
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        let event = stripe.pay(&session, "paid").await.unwrap();
        assert_eq!(event["type"], "checkout.session.completed");
        event["data"]["object"]["subscription"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

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
        clients.body.as_array().unwrap().len(),
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

#[tokio::test]
async fn checkout_is_one_session_per_click_and_carries_the_user() {
    let Billing { app, stripe, .. } = app_with_billing().await;
    let user = app.user("buyer@example.com").await;
    let first = user
        .form("/api/billing/checkout", &[("interval", "year")])
        .await;
    let second = user
        .form("/api/billing/checkout", &[("interval", "year")])
        .await;
    assert_eq!(first.body, second.body, "a double click is one session");
    let account = StripeStandIn::account_of(PAYTRACK_KEY);
    let sessions = stripe.objects("checkout.session", &account);
    assert_eq!(sessions.len(), 1);
    let session = &sessions[0];
    assert_eq!(session["mode"], "subscription");
    assert_eq!(session["__price"], "price_pro_yearly");
    assert_eq!(session["customer_email"], "buyer@example.com");
    assert!(session["client_reference_id"].as_str().unwrap().len() == 24);
    assert_eq!(
        session["__sub_metadata"]["paytrack_user"],
        session["client_reference_id"]
    );
    let weekly = user
        .form("/api/billing/checkout", &[("interval", "weekly")])
        .await;
    assert_eq!(weekly.status, 400, "{}", weekly.body);
    assert!(
        weekly.body.to_string().contains("weekly"),
        "{}",
        weekly.body
    );
    // No customer yet: nothing to manage.
    assert_eq!(user.form("/api/billing/portal", &[]).await.status, 422);
}

#[tokio::test]
async fn the_subscriptions_life_moves_the_plan_and_old_events_cannot_undo_it() {
    let Billing {
        app,
        stripe,
        secret,
        ..
    } = app_with_billing().await;
    let user = app.user("subscriber@example.com").await;
    let subscription = user.upgrade(&stripe, "year").await;
    assert_eq!(user.billing().await["interval"], "year");

    // A renewal fails: past due, still Pro, and the page can offer the portal.
    let failed = stripe.pay(&subscription, "fail").await.unwrap();
    assert_eq!(failed["type"], "invoice.payment_failed");
    let overview = user.billing().await;
    assert_eq!(
        (overview["status"].as_str(), overview["plan"].as_str()),
        (Some("past_due"), Some("pro"))
    );
    let portal = user.form("/api/billing/portal", &[]).await;
    assert!(
        portal
            .body
            .as_str()
            .unwrap()
            .starts_with("https://billing.stripe.com/"),
        "{}",
        portal.body
    );

    // Paid after all.
    stripe.pay(&subscription, "renew").await.unwrap();
    assert_eq!(user.billing().await["status"], "active");

    // Canceled at the period's end: still Pro until then.
    stripe
        .pay(&subscription, "cancel_at_period_end")
        .await
        .unwrap();
    let overview = user.billing().await;
    assert_eq!(overview["cancel_at_period_end"], true);
    assert_eq!(overview["plan"], "pro");
    assert!(overview["period_end"].is_string());

    // Ended: canceled, with the paid period still running, so Pro until it ends.
    let ended = stripe.pay(&subscription, "end").await.unwrap();
    assert_eq!(ended["type"], "customer.subscription.deleted");
    let overview = user.billing().await;
    assert_eq!(overview["status"], "canceled");
    assert_eq!(overview["plan"], "pro");

    // The first "subscription created" event again, late: the subscription is read anew from
    // Stripe, so it stays canceled. A replay of an event already handled changes nothing.
    let account = StripeStandIn::account_of(PAYTRACK_KEY);
    let created = stripe
        .objects("event", &account)
        .into_iter()
        .find(|e| e["type"] == "customer.subscription.created")
        .unwrap();
    let url = app.url("/webhooks/stripe/billing");
    let mut late = created.clone();
    late["id"] = json!("evt_late_redelivery_0001");
    assert_eq!(stripe.deliver(&url, &secret, &late).await, 200);
    assert_eq!(stripe.deliver(&url, &secret, &created).await, 200);
    assert_eq!(user.billing().await["status"], "canceled");

    // Signed with another secret, or stale: refused.
    assert_eq!(
        stripe.deliver(&url, "whsec_notPayTracks01", &late).await,
        400
    );
    let payload = late.to_string();
    let stale = stripe_webhook::Webhook::generate_test_header(
        &payload,
        &secret,
        Some(jiff::Timestamp::now().as_second() - 3600),
    );
    let response = app
        .http
        .post(&url)
        .header("stripe-signature", stale)
        .body(payload)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
}

#[tokio::test]
async fn deleting_an_account_cancels_its_subscription_first() {
    let Billing { app, stripe, .. } = app_with_billing().await;
    let user = app.user("leaving@example.com").await;
    let subscription = user.upgrade(&stripe, "month").await;
    let delete = |user: &User<'_>| {
        let request = app
            .http
            .post(app.url("/account/delete"))
            .header(COOKIE, format!("paytrack_session={}", user.cookie))
            .form(&[("confirm", "leaving@example.com")]);
        async move { request.send().await.unwrap() }
    };

    // Stripe unreachable: the account stays (it could still be charged).
    stripe.fail_next(3, 500, "api_error", None, "Stripe is down");
    let kept = delete(&user).await;
    assert_eq!(location(&kept), "/account?problem=billing#delete");
    assert_eq!(app.me(&user.cookie).await.0["email"], "leaving@example.com");
    assert_eq!(stripe.object(&subscription).unwrap()["status"], "active");

    let gone = delete(&user).await;
    assert_eq!(location(&gone), "/account/deleted");
    assert_eq!(stripe.object(&subscription).unwrap()["status"], "canceled");
}

#[tokio::test]
async fn without_billing_nothing_is_limited_and_the_webhook_is_off() {
    let app = crate::common::spawn_app().await;
    let user = app.user("selfhosted@example.com").await;
    for name in ["A", "B", "C", "D"] {
        user.client(name).await;
    }
    let overview = user.billing().await;
    assert_eq!(overview["enabled"], false);
    assert_eq!(overview["plan"], "pro");
    assert_eq!(
        user.form("/api/billing/checkout", &[("interval", "month")])
            .await
            .status,
        422
    );
    let response = app
        .http
        .post(app.url("/webhooks/stripe/billing"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
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

/// A user who saved five reminder steps on Pro and is back on Free.
async fn downgraded_with_five_steps<'a>(app: &'a TestApp, stripe: &StripeStandIn) -> User<'a> {
    let user = app.user("downgraded@example.com").await;
    user.upgrade(stripe, "month").await;
    let steps: Vec<Value> = [0, 3, 7, 14, 21]
        .iter()
        .map(|offset| json!({ "offset_days": offset.to_string(), "subject": "Invoice {{invoice_number}}", "body": "Please pay {{pay_link}}" }))
        .collect();
    let saved = user
        .json(
            "/api/reminders/save",
            json!({ "send_hour": "9", "steps": steps }),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);

    // The paid period ran out (as if time had passed): Free again.
    app.db
        .collection::<mongodb::bson::Document>("users")
        .update_one(
            mongodb::bson::doc! { "email": "downgraded@example.com" },
            mongodb::bson::doc! { "$set": {
                "billing.subscription.status": "canceled",
                "billing.subscription.current_period_end": 1_000_i64,
            } },
        )
        .await
        .unwrap();
    assert_eq!(user.billing().await["plan"], "free");
    user
}

#[tokio::test]
async fn after_a_downgrade_the_saved_policy_stays_but_only_free_steps_are_chased() {
    let Billing { app, stripe, .. } = app_with_billing().await;
    let user = downgraded_with_five_steps(&app, &stripe).await;

    // A new invoice is chased with Free's two steps; the five saved steps are kept.
    let client = user.client("Tyrell").await;
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let mut input = invoice_input(&client);
    input.issue_date = today.to_string();
    let due = today.checked_add(jiff::Span::new().days(20)).unwrap();
    input.due_date = due.to_string();
    let (id, _) = user.draft_with(input).await;
    assert_eq!(user.send(&id).await.status, 200);
    let timeline = user
        .form("/api/reminders/invoice", &[("id", id.as_str())])
        .await
        .body;
    let reminders: Vec<&Value> = timeline["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["step"] != "invoice")
        .collect();
    assert_eq!(reminders.len(), 2, "{timeline}");
    let form = user.form("/api/reminders/settings", &[]).await.body;
    assert_eq!(form["steps"].as_array().unwrap().len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_one_shot_pass_chases_free_with_free_steps_only() {
    let Billing {
        app, stripe, base, ..
    } = app_with_billing().await;
    let (resend, stand_in) = ResendStandIn::start().await;
    let user = downgraded_with_five_steps(&app, &stripe).await;
    let client = user.client("Tyrell").await;
    let id = sent_invoice(&user, &client, 1).await;

    // A month later, as a cron job would run it: of Free's two steps (the due date and three
    // days after), the latest due goes; nothing of the saved steps at 7, 14 and 21 days.
    let month_on = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(24 * 31))
        .unwrap();
    for _ in 0..2 {
        let pass = std::process::Command::new(env!("CARGO_BIN_EXE_paytrack"))
            .args(["send-due", "--at", &month_on.to_string()])
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("RUST_LOG", "warn")
            .env("MONGODB_URI", test_mongodb_uri())
            .env("MONGODB_DATABASE", app.db.name())
            .env("PAYTRACK_BASE_URL", &app.address)
            .env("RESEND_API_KEY", "re_test_free_pass")
            .env("RESEND_BASE_URL", &resend)
            .env("STRIPE_API_BASE", &base)
            .env("STRIPE_SECRET_KEY", PAYTRACK_KEY)
            .env("STRIPE_WEBHOOK_SECRET", "whsec_free_pass")
            .env("STRIPE_PRICE_PRO_MONTHLY", "price_pro_monthly")
            .env("STRIPE_PRICE_PRO_YEARLY", "price_pro_yearly")
            .output()
            .unwrap();
        assert!(
            pass.status.success(),
            "{}",
            String::from_utf8_lossy(&pass.stderr)
        );
    }
    let reminders: Vec<String> = stand_in
        .sent_in_order()
        .into_iter()
        .filter(|key| key.starts_with(&format!("paytrack-{id}-reminder:")))
        .collect();
    assert_eq!(reminders, [format!("paytrack-{id}-reminder:3")]);
}
