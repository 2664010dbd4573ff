//! How every API request is taken and answered, as Stripe does: the bearer key, scripted
//! failures, idempotency keys, form-encoded bodies with bracketed keys, errors in Stripe's
//! `{"error": {…}}` form; and the stored objects' small helpers.

use std::collections::HashMap;

use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::{Books, Received, StripeStandIn};

impl StripeStandIn {
    pub(super) fn handle(
        &self,
        method: Method,
        path: &str,
        headers: &HeaderMap,
        body: &str,
        act: impl FnOnce(&mut Books, &Call) -> (u16, Value),
    ) -> Response {
        let key = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default()
            .to_string();
        let idempotency_key = headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let form = parse_form(body);
        let mut books = self.books.lock().expect("stand-in lock");
        let answer = self.answer(
            &mut books,
            &method,
            path,
            &key,
            idempotency_key.as_deref(),
            body,
            &form,
            act,
        );
        books.received.push(Received {
            method: method.to_string(),
            path: path.to_string(),
            key,
            idempotency_key,
            form,
            status: answer.0,
        });
        reply(answer)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn answer(
        &self,
        books: &mut Books,
        method: &Method,
        path: &str,
        key: &str,
        idempotency_key: Option<&str>,
        body: &str,
        form: &Value,
        act: impl FnOnce(&mut Books, &Call) -> (u16, Value),
    ) -> (u16, Value) {
        let well_formed = ["sk_test_", "sk_live_", "rk_test_", "rk_live_"]
            .iter()
            .any(|p| key.starts_with(p))
            && key.len() >= 20;
        if !well_formed || key.contains("invalid") {
            let shown = key.get(key.len().saturating_sub(4)..).unwrap_or_default();
            return stripe_error(
                401,
                "invalid_request_error",
                None,
                &format!("Invalid API Key provided: sk_****{shown}"),
            );
        }
        if books.revoked.iter().any(|k| k == key) {
            return stripe_error(
                401,
                "invalid_request_error",
                Some("api_key_expired"),
                "Expired API Key provided.",
            );
        }
        let scripted = books
            .failures
            .iter()
            .position(|f| f.at.as_deref().is_none_or(|at| path.starts_with(at)));
        if let Some(at) = scripted {
            let failure = books.failures.remove(at);
            return stripe_error(
                failure.status,
                &failure.kind,
                failure.code.as_deref(),
                &failure.message,
            );
        }
        if key.starts_with("rk_")
            && key.contains("nowebhooks")
            && path.starts_with("/v1/webhook_endpoints")
        {
            return stripe_error(
                403,
                "invalid_request_error",
                None,
                "The provided key does not have the required permissions for this endpoint: rak_webhook_write.",
            );
        }
        if key.starts_with("rk_") && key.contains("noevents") && path.starts_with("/v1/events") {
            return stripe_error(
                403,
                "invalid_request_error",
                None,
                "The provided key does not have the required permissions for this endpoint: rak_event_read.",
            );
        }
        let account = Self::account_of(key);
        // Stripe compares the parameters, not how the body happens to order them.
        let mut params: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        params.sort();
        let fingerprint = format!("{method} {path} {params:?}");
        if let Some(idem) = idempotency_key.filter(|_| method == Method::POST) {
            let slot = (account.clone(), idem.to_string());
            if let Some((seen, status, saved)) = books.idempotent.get(&slot) {
                if *seen != fingerprint {
                    return stripe_error(
                        400,
                        "idempotency_error",
                        None,
                        "Keys for idempotent requests can only be used with the same parameters they were first used with.",
                    );
                }
                return (*status, saved.clone());
            }
            let answer = act(
                books,
                &Call {
                    account,
                    form: form.clone(),
                },
            );
            books
                .idempotent
                .insert(slot, (fingerprint, answer.0, answer.1.clone()));
            return answer;
        }
        act(
            books,
            &Call {
                account,
                form: form.clone(),
            },
        )
    }

    pub(super) fn create(
        &self,
        books: &mut Books,
        call: &Call,
        kind: &str,
        prefix: &str,
        fields: Value,
    ) -> (u16, Value) {
        let id = new_id(books, prefix);
        let mut object = self.fixture(kind);
        merge(
            &mut object,
            &json!({
                "id": id,
                "created": now(),
                "livemode": call.account.ends_with("/live"),
                "metadata": call.form.get("metadata").cloned().unwrap_or(json!({})),
                "__account": call.account,
            }),
        );
        merge(&mut object, &fields);
        books.objects.insert(id, object.clone());
        (200, object)
    }
}

/// `GET` of a list: the account's `kind` objects that `keep` picks, newest first, as many as
/// the query's `limit` asks (10 unless told, 100 at most), in Stripe's list object.
pub(super) fn listed(
    books: &Books,
    call: &Call,
    kind: &str,
    query: &HashMap<String, String>,
    keep: impl Fn(&Value) -> bool,
) -> (u16, Value) {
    let limit = query
        .get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(10_usize)
        .min(100);
    let mut data: Vec<Value> = books
        .objects
        .values()
        .filter(|o| o["object"] == kind && o["__account"] == call.account.as_str())
        .filter(|o| keep(o))
        .cloned()
        .collect();
    data.sort_by_key(|o| {
        std::cmp::Reverse((o["created"].as_i64(), o["id"].as_str().map(str::to_string)))
    });
    let has_more = data.len() > limit;
    data.truncate(limit);
    let url = format!("/v1/{kind}s");
    (
        200,
        json!({ "object": "list", "data": data, "has_more": has_more, "url": url }),
    )
}

pub(super) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

pub(super) fn new_id(books: &mut Books, prefix: &str) -> String {
    books.next_id += 1;
    format!("{prefix}_{:014}", books.next_id)
}

/// Sets every field of `fields` on `target` (objects merge one level deep).
pub(super) fn merge(target: &mut Value, fields: &Value) {
    if let (Some(target), Some(fields)) = (target.as_object_mut(), fields.as_object()) {
        for (key, value) in fields {
            target.insert(key.clone(), value.clone());
        }
    }
}

/// An object as Stripe shows it: without the stand-in's own `__` fields.
pub(super) fn public(object: &Value) -> Value {
    match object {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| !key.starts_with("__"))
                .map(|(key, value)| (key.clone(), public(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(public).collect()),
        other => other.clone(),
    }
}

/// Stripe's form encoding (`line_items[0][price_data][currency]=eur`) as nested JSON; lists
/// come back as arrays. Values stay strings, as on the wire.
pub(super) fn parse_form(body: &str) -> Value {
    let mut root = Value::Object(Map::new());
    for (key, value) in url::form_urlencoded::parse(body.as_bytes()) {
        let mut path: Vec<String> = Vec::new();
        let (head, rest) = key.split_once('[').unwrap_or((&key, ""));
        path.push(head.to_string());
        for part in rest.split('[') {
            let part = part.trim_end_matches(']');
            if !part.is_empty() || !rest.is_empty() {
                path.push(part.to_string());
            }
        }
        let mut at = &mut root;
        for (i, part) in path.iter().enumerate() {
            let last = i + 1 == path.len();
            let map = at.as_object_mut().expect("form levels are objects");
            if last {
                map.insert(part.clone(), Value::String(value.to_string()));
                break;
            }
            at = map
                .entry(part.clone())
                .or_insert_with(|| Value::Object(Map::new()));
        }
    }
    arrays(root)
}

pub(super) fn arrays(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let numbered = !map.is_empty() && map.keys().all(|k| k.parse::<usize>().is_ok());
            if numbered {
                let mut items: Vec<(usize, Value)> = map
                    .into_iter()
                    .map(|(k, v)| (k.parse().unwrap_or(0), arrays(v)))
                    .collect();
                items.sort_by_key(|(i, _)| *i);
                Value::Array(items.into_iter().map(|(_, v)| v).collect())
            } else {
                Value::Object(map.into_iter().map(|(k, v)| (k, arrays(v))).collect())
            }
        }
        other => other,
    }
}

pub(super) fn int(value: &Value) -> i64 {
    value
        .as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| value.as_i64())
        .unwrap_or(0)
}

pub(super) fn stripe_error(
    status: u16,
    kind: &str,
    code: Option<&str>,
    message: &str,
) -> (u16, Value) {
    (
        status,
        json!({ "error": { "type": kind, "code": code, "message": message } }),
    )
}

/// Stripe's refusal of one parameter's value, which names the parameter.
pub(super) fn refused_param(param: &str, message: &str) -> (u16, Value) {
    (
        400,
        json!({ "error": { "type": "invalid_request_error", "param": param, "message": message } }),
    )
}

pub(super) fn reply((status, body): (u16, Value)) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [
            ("content-type", "application/json"),
            ("request-id", "req_standin"),
        ],
        public(&body).to_string(),
    )
        .into_response()
}

/// What every API request goes through: the key, scripted failures, idempotency, the log.
pub(super) struct Call {
    pub(super) account: String,
    pub(super) form: Value,
}

pub(super) fn missing(id: &str) -> (u16, Value) {
    stripe_error(
        404,
        "invalid_request_error",
        Some("resource_missing"),
        &format!("No such object: '{id}'"),
    )
}

/// The object `id` if it belongs to the caller's account.
pub(super) fn owned(books: &Books, call: &Call, id: &str) -> Result<Value, (u16, Value)> {
    books
        .objects
        .get(id)
        .filter(|o| o["__account"] == call.account.as_str())
        .cloned()
        .ok_or_else(|| missing(id))
}

/// Changes the caller's object `id` with `edit` (which may refuse with a Stripe error) and
/// answers with the object as changed.
pub(super) fn change(
    books: &mut Books,
    call: &Call,
    id: &str,
    edit: impl FnOnce(&mut Value, &Value) -> Result<(), (u16, Value)>,
) -> (u16, Value) {
    let mut object = match owned(books, call, id) {
        Ok(object) => object,
        Err(err) => return err,
    };
    if let Err(err) = edit(&mut object, &call.form) {
        return err;
    }
    books.objects.insert(id.to_string(), object.clone());
    (200, object)
}
