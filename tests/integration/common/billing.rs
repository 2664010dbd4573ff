//! Typed helpers for the server functions: a signed-in user who calls them with their own
//! argument types (so a wire change breaks the build, not a test at run time), and ready-made
//! valid input.

use leptos::server_fn::ServerFn;
use paytrack::api::clients::{ClientSave, CreateClient};
use paytrack::api::invoices::{CreateInvoice, GetInvoice, InvoiceSave, RecordPayment, SendInvoice};
use paytrack::domain::client::ClientInput;
use paytrack::domain::invoice_draft::{InvoiceInput, LineInput};
use paytrack::domain::payment::PaymentInput;
use reqwest::header::COOKIE;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::TestApp;
use super::resend::ResendStandIn;

/// An app that sends its email through a Resend stand-in (`key` is its API key), and the
/// stand-in.
pub async fn app_with_resend(key: &str) -> (TestApp, ResendStandIn) {
    let (resend, stand_in) = ResendStandIn::start().await;
    let app = super::spawn_app_with(
        &super::test_mongodb_uri(),
        &[("RESEND_API_KEY", key), ("RESEND_BASE_URL", &resend)],
    )
    .await;
    (app, stand_in)
}

/// A signed-in user of a test app.
pub struct User<'a> {
    pub app: &'a TestApp,
    pub cookie: String,
}

impl TestApp {
    /// `email` signed in through a login link that went out through `stand_in`.
    pub async fn user_through(&self, stand_in: &ResendStandIn, email: &str) -> User<'_> {
        assert_eq!(self.request_link(email, "/").await.status(), 200);
        let token = stand_in.latest_login_token(email);
        let cookie = super::sign_in::session_cookie(&self.redeem(&token, None).await);
        User {
            app: self,
            cookie: cookie.expect("signed in"),
        }
    }

    pub async fn user(&self, email: &str) -> User<'_> {
        User {
            app: self,
            cookie: self.sign_in(email).await,
        }
    }
}

#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl User<'_> {
    /// Calls a server function that takes JSON.
    pub async fn json(&self, endpoint: &str, body: Value) -> Answer {
        let response = self
            .app
            .http
            .post(self.app.url(endpoint))
            .header(COOKIE, format!("paytrack_session={}", self.cookie))
            .json(&body)
            .send()
            .await
            .expect("request reaches the server");
        answer(response).await
    }

    /// Posts `body` as it is, under `content_type`: what a caller's own client might send.
    pub async fn raw(&self, endpoint: &str, content_type: &str, body: &'static str) -> Answer {
        let response = self
            .app
            .http
            .post(self.app.url(endpoint))
            .header(COOKIE, format!("paytrack_session={}", self.cookie))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .expect("request reaches the server");
        answer(response).await
    }

    /// Calls a server function that takes a URL-encoded form.
    pub async fn form(&self, endpoint: &str, fields: &[(&str, &str)]) -> Answer {
        let response = self
            .app
            .http
            .post(self.app.url(endpoint))
            .header(COOKIE, format!("paytrack_session={}", self.cookie))
            .form(fields)
            .send()
            .await
            .expect("request reaches the server");
        answer(response).await
    }

    /// Calls the server function whose arguments `args` are, as JSON: the endpoint and the
    /// body both come from the function's own types, so a changed signature breaks the build.
    pub async fn call<F: ServerFn + Serialize>(&self, args: &F) -> Answer {
        let body = serde_json::to_value(args).expect("arguments serialize");
        self.json(F::PATH, body).await
    }

    /// The same for a server function that takes a URL-encoded form.
    pub async fn call_form<F: ServerFn + Serialize>(&self, args: &F) -> Answer {
        let response = self
            .app
            .http
            .post(self.app.url(F::PATH))
            .header(COOKIE, format!("paytrack_session={}", self.cookie))
            .form(args)
            .send()
            .await
            .expect("request reaches the server");
        answer(response).await
    }

    /// `call`, which must succeed, with the answer read as the function's own output.
    pub async fn ok<F>(&self, args: &F) -> F::Output
    where
        F: ServerFn + Serialize,
        F::Output: DeserializeOwned,
    {
        output::<F>(self.call(args).await)
    }

    /// `call_form` (a URL-encoded server function), which must succeed, read as its output.
    pub async fn ok_form<F>(&self, args: &F) -> F::Output
    where
        F: ServerFn + Serialize,
        F::Output: DeserializeOwned,
    {
        output::<F>(self.call_form(args).await)
    }

    /// Creates a client and returns its id.
    pub async fn client(&self, name: &str) -> String {
        self.client_with(client_input(name)).await
    }

    /// Creates a client from `input` and returns its id.
    pub async fn client_with(&self, input: ClientInput) -> String {
        match self.ok(&CreateClient { input }).await {
            ClientSave::Saved(summary) => summary.id,
            ClientSave::Invalid(errors) => panic!("client refused: {errors:?}"),
        }
    }

    /// Creates a draft for `client` and returns (id, number).
    pub async fn draft(&self, client: &str) -> (String, String) {
        self.draft_with(invoice_input(client)).await
    }

    /// Creates a draft from `input` and returns (id, number).
    pub async fn draft_with(&self, input: InvoiceInput) -> (String, String) {
        match self.ok(&CreateInvoice { input }).await {
            InvoiceSave::Saved { id, number } => (id, number),
            InvoiceSave::Invalid(errors) => panic!("draft refused: {errors:?}"),
        }
    }

    pub async fn invoice(&self, id: &str) -> Answer {
        self.call_form(&GetInvoice { id: id.to_string() }).await
    }

    /// Deletes the account as the account page does, confirming with `address`.
    pub async fn delete_account(&self, address: &str) {
        let deleted = self
            .app
            .post_form_with_cookie("/account/delete", &self.cookie, &[("confirm", address)])
            .await;
        assert_eq!(deleted.status(), 303, "the account is deleted");
    }

    pub async fn send(&self, id: &str) -> Answer {
        self.call_form(&SendInvoice { id: id.to_string() }).await
    }

    pub async fn pay(&self, id: &str, amount: &str) -> Answer {
        let payment = PaymentInput {
            amount: amount.to_string(),
            date: "2026-01-15".to_string(),
            method: "bank_transfer".to_string(),
        };
        let id = id.to_string();
        self.call(&RecordPayment { id, payment }).await
    }

    /// The numbers of every invoice the list shows for `params` (its fields as the page sends
    /// them; `after` is set here), following each page's cursor, and how many pages that took.
    pub async fn every_page(&self, params: &[(&str, &str)]) -> (Vec<String>, usize) {
        let mut asked = serde_json::json!({ "status": "", "client": "", "from": "", "to": "", "q": "", "sort": "", "dir": "", "after": "" });
        for (field, value) in params {
            asked[*field] = serde_json::json!(value);
        }
        let (mut seen, mut pages) = (Vec::new(), 0);
        loop {
            let page = self
                .json(
                    "/api/invoices/list",
                    serde_json::json!({ "params": &asked }),
                )
                .await;
            assert_eq!(page.status, 200, "{}", page.body);
            pages += 1;
            seen.extend(
                page.body["rows"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["number"].as_str().unwrap().to_string()),
            );
            match page.body["next"].as_str() {
                Some(next) => asked["after"] = serde_json::json!(next),
                None => return (seen, pages),
            }
        }
    }
}

/// A successful answer read as `F`'s output.
fn output<F>(answer: Answer) -> F::Output
where
    F: ServerFn,
    F::Output: DeserializeOwned,
{
    assert_eq!(answer.status, 200, "{}: {}", F::PATH, answer.body);
    serde_json::from_value(answer.body.clone())
        .unwrap_or_else(|err| panic!("{}: {err}: {}", F::PATH, answer.body))
}

async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Answer { status, body }
}

pub fn client_input(name: &str) -> ClientInput {
    ClientInput {
        name: name.to_string(),
        emails: format!("{}@client.test", name.to_lowercase().replace(' ', ".")),
        company: String::new(),
        address: "1 Main Street".to_string(),
        currency: "USD".to_string(),
        notes: String::new(),
        reminders: true,
        ..ClientInput::default()
    }
}

/// Three lines: 2.5 × 80.00 + 1 × 12.99 + 3 × 0.10 = 213.29; 10% off; 5% tax → 201.56.
pub fn invoice_input(client: &str) -> InvoiceInput {
    let line = |description: &str, quantity: &str, unit_price: &str| LineInput {
        description: description.to_string(),
        quantity: quantity.to_string(),
        unit_price: unit_price.to_string(),
    };
    InvoiceInput {
        client_id: client.to_string(),
        issue_date: "2026-01-01".to_string(),
        due_date: "2026-01-31".to_string(),
        currency: "USD".to_string(),
        lines: vec![
            line("Design", "2.5", "80"),
            line("Hosting", "1", "12.99"),
            line("Stamps", "3", "0.10"),
        ],
        discount_kind: "percent".to_string(),
        discount_value: "10".to_string(),
        taxes: "Sales tax 5%".to_string(),
        notes: "Thank you!".to_string(),
        ..InvoiceInput::default()
    }
}
