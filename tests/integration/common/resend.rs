//! A Resend stand-in that answers like Resend — its idempotency included: a repeated
//! `Idempotency-Key` with the same body gets the first answer back and sends nothing, with
//! another body a `409 invalid_idempotent_request`. The engine the email tests drive:
//! `chasing.rs`.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use jiff::Timestamp;
use mongodb::bson::oid::ObjectId;
use serde_json::{Value, json};

mod mailbox;
use mailbox::is_mailbox;

/// How the stand-in answers the next request.
#[derive(Clone, Copy)]
pub enum Reply {
    /// 429 with `retry-after: 0`.
    RateLimited,
    ServerError,
    /// 422 with Resend's message: a permanent refusal.
    Invalid,
    /// 401: the API key was rotated and PayTrack's is no longer valid.
    Unauthorized,
    /// Never answers (the sender is killed meanwhile).
    Hang,
    /// Accepts and sends, but the answer is lost on the way back (a 502 from a proxy).
    AcceptedButLost,
}

#[derive(Default)]
pub struct Inbox {
    /// Every request: its idempotency key and body (an array for a batch).
    requests: Vec<(String, Value)>,
    /// Emails accepted, by their own key (`X-PayTrack-Email-Key`), with the id Resend gave.
    accepted: HashMap<String, String>,
    /// Requests accepted, by idempotency key: the body and the answer. A repeat with the same
    /// body gets the same answer and sends nothing; another body gets a 409.
    keys: HashMap<String, (Value, Value)>,
    script: VecDeque<Reply>,
    /// Every email sent, by its own key, in the order sent (a duplicate appears twice).
    order: Vec<String>,
    /// Own keys sent a second time: always a bug.
    duplicates: Vec<String>,
    /// Seeded faults on unscripted requests, when set.
    chaos: Option<Chaos>,
    /// Mail Resend received for the inbound domain, by its id, as `GET /emails/receiving/{id}`
    /// answers it.
    received: HashMap<String, Value>,
    /// How many times each received email was asked for.
    received_reads: HashMap<String, usize>,
    /// How the receiving API answers its next requests (sends have `script`).
    receiving_script: VecDeque<Reply>,
    /// Sends are recorded but not answered until released (a slow Resend).
    held: bool,
}

/// Faults on a share of requests, drawn from a seed so a run can be repeated: a 500, a 429,
/// or an answer lost after the emails went; and a pause of up to `slowest_ms` before each answer.
#[derive(Clone, Copy)]
pub struct Chaos {
    pub state: u64,
    /// Out of 100 requests.
    pub faulty: u64,
    pub slowest_ms: u64,
}

impl Chaos {
    /// splitmix64: small, seeded, good enough to spread faults.
    pub fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn draw(&mut self) -> (Option<Reply>, Duration) {
        let pause = Duration::from_millis(self.next() % (self.slowest_ms + 1));
        let roll = self.next() % 100;
        let reply = (roll < self.faulty).then(|| match self.next() % 3 {
            0 => Reply::ServerError,
            1 => Reply::RateLimited,
            _ => Reply::AcceptedButLost,
        });
        (reply, pause)
    }
}

#[derive(Clone, Default)]
pub struct ResendStandIn(Arc<Mutex<Inbox>>);

impl ResendStandIn {
    pub async fn start() -> (String, Self) {
        let stand_in = ResendStandIn::default();
        let router = axum::Router::new()
            .route("/emails", post(receive))
            .route("/emails/batch", post(receive))
            .route("/emails/receiving/{id}", axum::routing::get(received))
            .with_state(stand_in.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await });
        (address, stand_in)
    }

    /// Mail arriving for the inbound domain: stored as Resend would, with a new id (returned)
    /// for the `email.received` event to name.
    pub fn receive_mail(&self, message: Value) -> String {
        let id = uuid_like();
        let mut message = message;
        message["object"] = json!("email");
        message["id"] = json!(id);
        message["created_at"] = json!(Timestamp::now().to_string());
        let inbox = &mut self.0.lock().unwrap();
        inbox.received.insert(id.clone(), message);
        id
    }

    /// How the receiving API answers its next requests: `Reply::ServerError` is a 500.
    pub fn script_receiving(&self, replies: impl IntoIterator<Item = Reply>) {
        self.0.lock().unwrap().receiving_script.extend(replies);
    }

    /// How many times PayTrack read the received email `id`.
    pub fn reads_of(&self, id: &str) -> usize {
        self.0
            .lock()
            .unwrap()
            .received_reads
            .get(id)
            .copied()
            .unwrap_or(0)
    }

    /// The emails sent of `kind` (`X-PayTrack-Email-Key` starting with it), in order, each
    /// request once (retries of one key counted once).
    pub fn sent_with_key_prefix(&self, prefix: &str) -> Vec<Value> {
        let inbox = self.0.lock().unwrap();
        let mut seen = std::collections::HashSet::new();
        inbox
            .requests
            .iter()
            .filter(|(key, _)| key.starts_with(prefix) && inbox.keys.contains_key(key))
            .filter(|(key, _)| seen.insert(key.clone()))
            .map(|(_, body)| body.clone())
            .collect()
    }

    /// The token of the latest sign-in link sent to `email` (the app sends through Resend, so
    /// there is no dev outbox to read it from).
    pub fn latest_login_token(&self, email: &str) -> String {
        let requests = self.requests();
        let (_, body) = requests
            .iter()
            .rev()
            .find(|(key, body)| key.starts_with("login-link-") && body["to"][0] == email)
            .expect("a sign-in link was sent");
        let text = body["text"].as_str().unwrap();
        let start = text.find("token=").expect("link in the text part") + "token=".len();
        text[start..start + 43].to_string()
    }

    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.0.lock().unwrap().script.extend(replies);
    }

    /// Holds every answer to a send from now on, until `release`.
    pub fn hold(&self) {
        self.0.lock().unwrap().held = true;
    }

    pub fn release(&self) {
        self.0.lock().unwrap().held = false;
    }

    /// Drops what is left of the script: from now on every request is accepted.
    pub fn answer_normally(&self) {
        self.0.lock().unwrap().script.clear();
    }

    pub fn requests(&self) -> Vec<(String, Value)> {
        self.0.lock().unwrap().requests.clone()
    }

    /// How many emails were attempted in all (a batch counts its emails).
    pub fn emails_attempted(&self) -> usize {
        self.requests()
            .iter()
            .map(|(_, body)| body.as_array().map_or(1, Vec::len))
            .sum()
    }

    /// Faults from now on, drawn from `chaos` (see `Chaos`).
    pub fn chaos(&self, chaos: Chaos) {
        self.0.lock().unwrap().chaos = Some(chaos);
    }

    /// Every email sent so far, by its own key, in order.
    pub fn sent_in_order(&self) -> Vec<String> {
        self.0.lock().unwrap().order.clone()
    }

    /// Own keys sent more than once (never, if exactly-once holds).
    pub fn duplicates(&self) -> Vec<String> {
        self.0.lock().unwrap().duplicates.clone()
    }

    /// Resend's id for each email sent, by its own key.
    pub fn accepted_ids(&self) -> HashMap<String, String> {
        self.0.lock().unwrap().accepted.clone()
    }

    /// Keys of the emails actually sent, sorted. No email was sent twice.
    pub fn sent_keys(&self) -> Vec<String> {
        let inbox = self.0.lock().unwrap();
        assert!(
            inbox.duplicates.is_empty(),
            "sent twice: {:?}",
            inbox.duplicates
        );
        let mut keys: Vec<String> = inbox.accepted.keys().cloned().collect();
        keys.sort();
        keys
    }
}

/// An id in the form Resend gives (a UUID), unique enough for a test.
fn uuid_like() -> String {
    let hex = format!("{}{}", ObjectId::new().to_hex(), ObjectId::new().to_hex());
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// `GET /emails/receiving/{id}`: a received email, or Resend's 404; a scripted 500 first.
async fn received(
    State(stand_in): State<ResendStandIn>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Response {
    let (found, reply) = {
        let mut inbox = stand_in.0.lock().unwrap();
        *inbox.received_reads.entry(id.clone()).or_default() += 1;
        (
            inbox.received.get(&id).cloned(),
            inbox.receiving_script.pop_front(),
        )
    };
    match (reply, found) {
        (Some(Reply::ServerError), _) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "statusCode": 500, "name": "internal_server_error", "message": "An unexpected error occurred." })),
        )
            .into_response(),
        (_, Some(message)) => (StatusCode::OK, Json(message)).into_response(),
        (_, None) => (
            StatusCode::NOT_FOUND,
            Json(json!({ "statusCode": 404, "name": "not_found", "message": "Email not found" })),
        )
            .into_response(),
    }
}

/// Sends what `body` holds (one email, or a batch) and returns Resend's answer. An email
/// sent twice is noted (`duplicates`), and fails `sent_keys`.
pub fn accept(inbox: &mut Inbox, body: &Value) -> Value {
    let mut send = |email: &Value| {
        let own = email["headers"]["X-PayTrack-Email-Key"]
            .as_str()
            .unwrap()
            .to_string();
        let id = ObjectId::new().to_hex();
        inbox.order.push(own.clone());
        if inbox.accepted.insert(own.clone(), id.clone()).is_some() {
            inbox.duplicates.push(own);
        }
        json!({ "id": id })
    };
    match body.as_array() {
        Some(batch) => json!({ "data": batch.iter().map(&mut send).collect::<Vec<_>>() }),
        None => send(body),
    }
}

pub async fn receive(
    State(stand_in): State<ResendStandIn>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let (reply, pause) = {
        let mut inbox = stand_in.0.lock().unwrap();
        inbox.requests.push((key.clone(), body.clone()));
        match inbox.script.pop_front() {
            Some(reply) => (Some(reply), Duration::ZERO),
            None => match inbox.chaos.as_mut() {
                Some(chaos) => chaos.draw(),
                None => (None, Duration::ZERO),
            },
        }
    };
    tokio::time::sleep(pause).await;
    while stand_in.0.lock().unwrap().held {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let error = |status: StatusCode, name: &str, message: &str| {
        let code = status.as_u16();
        (
            status,
            Json(json!({ "statusCode": code, "name": name, "message": message })),
        )
            .into_response()
    };
    // A `from` a mail system would misread is refused, the whole batch with it.
    let misread = |email: &Value| !email["from"].as_str().is_some_and(is_mailbox);
    if body
        .as_array()
        .map_or_else(|| misread(&body), |batch| batch.iter().any(misread))
    {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_error",
            "Invalid `from` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.",
        );
    }
    // Resend's batch endpoint takes no attachments and refuses the whole batch.
    let attached = |email: &Value| email.get("attachments").is_some();
    if body
        .as_array()
        .is_some_and(|batch| batch.iter().any(attached))
    {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_error",
            "The `attachments` field is not supported for batch emails.",
        );
    }
    match reply {
        None | Some(Reply::AcceptedButLost) => {
            let mut inbox = stand_in.0.lock().unwrap();
            let answer = match inbox.keys.get(&key) {
                Some((first, answer)) if *first == body => answer.clone(),
                Some(_) => {
                    return error(
                        StatusCode::CONFLICT,
                        "invalid_idempotent_request",
                        "Same idempotency key used with a different request payload. Change your idempotency key or payload.",
                    );
                }
                None => {
                    let answer = accept(&mut inbox, &body);
                    inbox.keys.insert(key, (body, answer.clone()));
                    answer
                }
            };
            if reply.is_some() {
                return StatusCode::BAD_GATEWAY.into_response();
            }
            (StatusCode::OK, Json(answer)).into_response()
        }
        Some(Reply::RateLimited) => (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "0")],
            Json(json!({ "statusCode": 429, "name": "rate_limit_exceeded", "message": "Too many requests. You can only make 2 requests per second." })),
        )
            .into_response(),
        Some(Reply::ServerError) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_server_error",
            "An unexpected error occurred.",
        ),
        Some(Reply::Invalid) => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_error",
            "Invalid `to` field. The email address needs to follow the `email@example.com` format.",
        ),
        Some(Reply::Unauthorized) => error(StatusCode::UNAUTHORIZED, "invalid_api_key", "API key is invalid"),
        Some(Reply::Hang) => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            StatusCode::GATEWAY_TIMEOUT.into_response()
        }
    }
}
