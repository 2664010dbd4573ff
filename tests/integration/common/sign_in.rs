//! Signing in through the real login-link flow, for tests that need a signed-in user.

use mongodb::bson::{Document, doc};
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::Value;

use super::TestApp;

impl TestApp {
    /// The stored invoice `id`, as the database holds it.
    pub async fn invoice_doc(&self, id: &str) -> Document {
        self.db
            .collection::<Document>("invoices")
            .find_one(doc! { "_id": mongodb::bson::oid::ObjectId::parse_str(id).unwrap() })
            .await
            .unwrap()
            .expect("the invoice is stored")
    }

    /// Posts a Resend (Svix) webhook delivery; returns the status.
    pub async fn post_resend_event(
        &self,
        id: &str,
        timestamp: i64,
        signature: &str,
        body: &str,
    ) -> u16 {
        self.http
            .post(self.url("/webhooks/resend"))
            .header("svix-id", id)
            .header("svix-timestamp", timestamp.to_string())
            .header("svix-signature", signature)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    pub async fn request_link(&self, email: &str, next: &str) -> reqwest::Response {
        self.call(
            "/api/auth/request-link",
            &[
                ("email", email),
                ("time_zone", "Europe/Paris"),
                ("next", next),
            ],
        )
        .await
    }

    /// The dev outbox's emails of `kind` ("credit_note", "login_link", …), in the order sent.
    pub async fn emails_of_kind(&self, kind: &str) -> Vec<Document> {
        use futures::TryStreamExt;
        self.db
            .collection::<Document>("outbox")
            .find(doc! { "kind": kind })
            .sort(doc! { "created_at": 1, "_id": 1 })
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap()
    }

    /// Moves the expiry of everything in `collection` (login links, sessions) `ago` into the
    /// past.
    pub async fn expire_all(&self, collection: &str, ago: std::time::Duration) {
        let ago = i64::try_from(ago.as_millis()).unwrap();
        let past = mongodb::bson::DateTime::from_millis(
            mongodb::bson::DateTime::now().timestamp_millis() - ago,
        );
        self.db
            .collection::<Document>(collection)
            .update_many(doc! {}, doc! { "$set": { "expires_at": past } })
            .await
            .unwrap();
    }

    pub async fn outbox_count(&self) -> u64 {
        self.count("outbox", doc! {}).await
    }

    /// The token from the newest login-link email to `email` (sent to its lower-cased form).
    pub async fn latest_token(&self, email: &str) -> String {
        let mail = self
            .db
            .collection::<Document>("outbox")
            .find_one(doc! { "to": email.to_lowercase(), "kind": "login_link" })
            .sort(doc! { "created_at": -1, "_id": -1 })
            .await
            .unwrap()
            .expect("a login email was sent");
        let text = mail.get_str("text").unwrap();
        let start = text.find("token=").expect("link in the text part") + "token=".len();
        text[start..start + 43].to_string()
    }

    pub async fn redeem(&self, token: &str, cookie: Option<&str>) -> reqwest::Response {
        let mut request = self
            .http
            .post(self.url("/auth/link"))
            .form(&[("token", token)]);
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, format!("paytrack_session={cookie}"));
        }
        request.send().await.unwrap()
    }

    /// Signs `email` in through a fresh link; returns the session cookie value.
    pub async fn sign_in(&self, email: &str) -> String {
        assert_eq!(self.request_link(email, "/account").await.status(), 200);
        let token = self.latest_token(email).await;
        let response = self.redeem(&token, None).await;
        session_cookie(&response).expect("signed in")
    }

    pub async fn me(&self, cookie: &str) -> (Value, Option<String>) {
        let response = self
            .http
            .post(self.url("/api/auth/me"))
            .header(COOKIE, format!("paytrack_session={cookie}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let renewed = session_cookie(&response);
        (response.json().await.unwrap(), renewed)
    }

    pub async fn post_with_cookie(&self, path: &str, cookie: &str) -> reqwest::Response {
        self.post_form_with_cookie(path, cookie, &[]).await
    }

    /// Posts `form` as the signed-in browser holding `cookie` does.
    pub async fn post_form_with_cookie(
        &self,
        path: &str,
        cookie: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .header(COOKIE, format!("paytrack_session={cookie}"))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .header(COOKIE, format!("paytrack_session={cookie}"))
            .send()
            .await
            .unwrap()
    }
}

pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("paytrack_session=") && !v.contains("Max-Age=0"))
        .map(|v| {
            v["paytrack_session=".len()..]
                .split(';')
                .next()
                .unwrap()
                .to_string()
        })
}

pub fn location(response: &reqwest::Response) -> String {
    response.headers()[LOCATION].to_str().unwrap().to_string()
}
