//! Typed helpers for the client and invoice server functions: a signed-in user who can call
//! them, and ready-made valid input.

use reqwest::header::COOKIE;
use serde_json::{Value, json};

use super::TestApp;

/// A signed-in user of a test app.
pub struct User<'a> {
    pub app: &'a TestApp,
    pub cookie: String,
}

impl TestApp {
    pub async fn user(&self, email: &str) -> User<'_> {
        User {
            app: self,
            cookie: self.sign_in(email).await,
        }
    }
}

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

    /// Creates a client and returns its id.
    pub async fn client(&self, name: &str) -> String {
        let saved = self
            .json(
                "/api/clients/create",
                json!({ "input": client_input(name) }),
            )
            .await;
        assert_eq!(saved.status, 200, "{}", saved.body);
        saved.body["Saved"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("client saved: {}", saved.body))
            .to_string()
    }

    /// Creates a draft for `client` and returns (id, number).
    pub async fn draft(&self, client: &str) -> (String, String) {
        let saved = self
            .json(
                "/api/invoices/create",
                json!({ "input": invoice_input(client) }),
            )
            .await;
        assert_eq!(saved.status, 200, "{}", saved.body);
        let saved = &saved.body["Saved"];
        (
            saved["id"].as_str().expect("invoice id").to_string(),
            saved["number"]
                .as_str()
                .expect("invoice number")
                .to_string(),
        )
    }

    pub async fn invoice(&self, id: &str) -> Answer {
        self.form("/api/invoices/get", &[("id", id)]).await
    }

    pub async fn send(&self, id: &str) -> Answer {
        self.form("/api/invoices/send", &[("id", id)]).await
    }

    pub async fn pay(&self, id: &str, amount: &str) -> Answer {
        self.json(
            "/api/invoices/payment",
            json!({ "id": id, "payment": { "amount": amount, "date": "2026-01-15", "method": "bank_transfer" } }),
        )
        .await
    }
}

async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Answer { status, body }
}

pub fn client_input(name: &str) -> Value {
    json!({
        "name": name,
        "emails": format!("{}@client.test", name.to_lowercase().replace(' ', ".")),
        "company": "",
        "address": "1 Main Street",
        "currency": "USD",
        "notes": "",
        "reminders": true,
    })
}

/// Three lines: 2.5 × 80.00 + 1 × 12.99 + 3 × 0.10 = 213.29; 10% off; 5% tax → 201.56.
pub fn invoice_input(client: &str) -> Value {
    json!({
        "client_id": client,
        "issue_date": "2026-01-01",
        "due_date": "2026-01-31",
        "currency": "USD",
        "lines": [
            { "description": "Design", "quantity": "2.5", "unit_price": "80" },
            { "description": "Hosting", "quantity": "1", "unit_price": "12.99" },
            { "description": "Stamps", "quantity": "3", "unit_price": "0.10" },
        ],
        "discount_kind": "percent",
        "discount_value": "10",
        "tax_rates": "5",
        "notes": "Thank you!",
    })
}
