//! Stripe's events: made for each change, delivered signed to the account's webhook endpoints,
//! listed by `GET /v1/events`, and the endpoints registered through the API.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use serde_json::{Value, json};

use super::wire::{change, int, merge, missing, new_id, now, owned, parse_form, public};
use super::{Books, StripeStandIn};

impl StripeStandIn {
    pub(super) async fn deliver_all(&self, events: &[Value], endpoints: &[Vec<(String, String)>]) {
        for (event, endpoints) in events.iter().zip(endpoints) {
            for (url, secret) in endpoints {
                self.deliver(url, secret, event).await;
            }
        }
    }

    /// One event per kind about `object`, each with the endpoints of its account that asked.
    pub(super) fn events_about(
        &self,
        books: &mut Books,
        object: &Value,
        kinds: &[&str],
    ) -> (Vec<Value>, Vec<Vec<(String, String)>>) {
        let account = object["__account"].as_str().unwrap_or_default().to_string();
        let events: Vec<Value> = kinds
            .iter()
            .map(|kind| self.event(books, &account, kind, object))
            .collect();
        let endpoints = events
            .iter()
            .map(|event| endpoints_of(books, &account, event["type"].as_str()))
            .collect();
        (events, endpoints)
    }

    /// Posts `event` to `url` signed with `secret`, as Stripe does.
    pub async fn deliver(&self, url: &str, secret: &str, event: &Value) -> u16 {
        let payload = public(event).to_string();
        let signature = stripe_webhook::Webhook::generate_test_header(&payload, secret, None);
        match self
            .http
            .post(url)
            .header("stripe-signature", signature)
            .header("content-type", "application/json")
            .body(payload)
            .send()
            .await
        {
            Ok(response) => response.status().as_u16(),
            Err(_) => 0,
        }
    }

    pub(super) fn event(
        &self,
        books: &mut Books,
        account: &str,
        kind: &str,
        object: &Value,
    ) -> Value {
        let id = new_id(books, "evt");
        let mut event = self.fixture("event");
        merge(
            &mut event,
            &json!({
                "id": id,
                "type": kind,
                "created": now(),
                "livemode": false,
                "pending_webhooks": 1,
                "request": {"id": Value::Null, "idempotency_key": Value::Null},
                "__account": account,
            }),
        );
        event["data"] = json!({ "object": public(object) });
        books.objects.insert(id, event.clone());
        event
    }
}

/// Where an account's events go: endpoints registered through the API and added by hand.
/// Endpoints registered through the API get only the events they were enabled for.
pub(super) fn endpoints_of(
    books: &Books,
    account: &str,
    kind: Option<&str>,
) -> Vec<(String, String)> {
    let enabled = |o: &Value| {
        o["enabled_events"].as_array().is_none_or(|events| {
            events
                .iter()
                .any(|e| e == "*" || kind.is_some_and(|kind| e == kind))
        })
    };
    let mut endpoints: Vec<(String, String)> = books
        .objects
        .values()
        .filter(|o| o["object"] == "webhook_endpoint" && o["__account"] == account && enabled(o))
        .map(|o| {
            (
                o["url"].as_str().unwrap_or_default().to_string(),
                o["__secret"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    endpoints.extend(
        books
            .dashboard_endpoints
            .iter()
            .filter(|(a, _, _)| a == account)
            .map(|(_, url, secret)| (url.clone(), secret.clone())),
    );
    endpoints
}

/// The account's events, newest first as Stripe lists them: filtered by `types[]` and
/// `created[gte|gt|lte|lt]`, paged by `limit` (10 unless given, 100 at most) and
/// `starting_after`.
pub(super) async fn list_events(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let query = parse_form(&query.unwrap_or_default());
    s.handle(Method::GET, "/v1/events", &headers, "", |books, call| {
        let types: Vec<&str> = query["types"]
            .as_array()
            .map(|types| types.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let created = &query["created"];
        let bound = |name: &str| created[name].as_str().and_then(|v| v.parse::<i64>().ok());
        let in_range = |at: i64| {
            bound("gte").is_none_or(|b| at >= b)
                && bound("gt").is_none_or(|b| at > b)
                && bound("lte").is_none_or(|b| at <= b)
                && bound("lt").is_none_or(|b| at < b)
        };
        let mut data: Vec<&Value> = books
            .objects
            .values()
            .filter(|o| o["object"] == "event" && o["__account"] == call.account.as_str())
            .filter(|o| types.is_empty() || types.iter().any(|t| o["type"] == *t))
            .filter(|o| in_range(o["created"].as_i64().unwrap_or(0)))
            .collect();
        // Ids grow with time, so they order events of the same second.
        data.sort_by(|a, b| {
            (b["created"].as_i64(), b["id"].as_str())
                .cmp(&(a["created"].as_i64(), a["id"].as_str()))
        });
        if let Some(after) = query["starting_after"].as_str() {
            match data.iter().position(|o| o["id"] == after) {
                Some(at) => data = data.split_off(at + 1),
                None => return missing(after),
            }
        }
        let limit = int(&query["limit"]);
        let limit = if limit == 0 { 10 } else { limit.clamp(1, 100) } as usize;
        let has_more = data.len() > limit;
        let page: Vec<Value> = data.into_iter().take(limit).cloned().collect();
        (
            200,
            json!({ "object": "list", "data": page, "has_more": has_more, "url": "/v1/events" }),
        )
    })
}

pub(super) async fn create_webhook_endpoint(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    body: String,
) -> Response {
    s.handle(
        Method::POST,
        "/v1/webhook_endpoints",
        &headers,
        &body,
        |books, call| {
            let f = &call.form;
            let secret = format!("whsec_standin{:020}", books.next_id * 7919 + 17);
            let (status, mut endpoint) = s.create(
                books,
                call,
                "webhook_endpoint",
                "we",
                json!({
                    "url": f["url"], "enabled_events": f["enabled_events"], "status": "enabled",
                    "description": f.get("description"), "__secret": secret,
                }),
            );
            let id = endpoint["id"].as_str().unwrap_or_default().to_string();
            books.objects.insert(id, endpoint.clone());
            // Stripe shows the secret only in the creation answer.
            endpoint["secret"] = json!(secret);
            (status, endpoint)
        },
    )
}

pub(super) async fn update_webhook_endpoint(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: String,
) -> Response {
    let path = format!("/v1/webhook_endpoints/{id}");
    s.handle(Method::POST, &path, &headers, &body, |books, call| {
        change(books, call, &id, |endpoint, form| {
            if let Some(events) = form.get("enabled_events") {
                endpoint["enabled_events"] = events.clone();
            }
            Ok(())
        })
    })
}

pub(super) async fn delete_webhook_endpoint(
    State(s): State<StripeStandIn>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let path = format!("/v1/webhook_endpoints/{id}");
    s.handle(Method::DELETE, &path, &headers, "", |books, call| {
        if owned(books, call, &id).is_err() {
            return missing(&id);
        }
        books.objects.remove(&id);
        (
            200,
            json!({ "id": id, "object": "webhook_endpoint", "deleted": true }),
        )
    })
}
