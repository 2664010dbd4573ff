//! The collections PayTrack uses and their indexes, created at start-up. Safe to run any number
//! of times and from several servers at once: existing collections and identical indexes are
//! left as they are.

mod index_kinds;
mod setup;

use mongodb::IndexModel;
use mongodb::bson::doc;

use index_kinds::{expire_at, index, list_order, sparse, sparse_unique};
pub use setup::{ensure, is_duplicate_key};

/// One collection and the indexes its queries need.
pub struct CollectionSpec {
    pub name: &'static str,
    pub indexes: fn() -> Vec<IndexModel>,
    /// Whether documents in it belong to a user, so export and deletion cover it (see
    /// `account_data` for how each collection names its owner).
    pub holds_user_data: bool,
}

pub const USERS: &str = "users";
pub const SESSIONS: &str = "sessions";
pub const LOGIN_TOKENS: &str = "login_tokens";
pub const RATE_LIMITS: &str = "rate_limits";
pub const OUTBOX: &str = "outbox";
pub const OAUTH_STATES: &str = "oauth_states";
pub const INVOICE_SEQUENCES: &str = "invoice_sequences";
pub const CLIENTS: &str = "clients";
pub const INVOICES: &str = "invoices";
pub const ACTIVITY: &str = "activity";
pub const WEBHOOK_EVENTS: &str = "webhook_events";
pub const EMAIL_JOBS: &str = "email_jobs";
pub const EMAIL_BATCHES: &str = "email_batches";
pub const STRIPE_CONNECTIONS: &str = "stripe_connections";
pub const USAGE_DAILY: &str = "usage_daily";
pub const LOCKS: &str = "locks";
pub const MIGRATIONS: &str = "migrations";
pub const LOGOS: &str = "logos";
pub const OWED: &str = "owed";
pub const CLIENT_OWED: &str = "client_owed";
pub const REPLIES: &str = "replies";
pub const COLLECTED_MONTHLY: &str = "collected_monthly";
pub const LATE_PAYERS: &str = "late_payers";

/// Every collection PayTrack owns. Data-rights features (export, delete) walk this list, so a
/// new collection must be added here.
pub const COLLECTIONS: &[CollectionSpec] = &[
    CollectionSpec {
        name: USERS,
        indexes: || {
            vec![
                index("email_unique", doc! { "email": 1 }, true),
                sparse_unique("google_id_unique", doc! { "google_id": 1 }),
                // Billing webhooks find the user by their customer in PayTrack's Stripe.
                sparse("billing_customer", doc! { "billing.customer_id": 1 }),
            ]
        },
        holds_user_data: true,
    },
    CollectionSpec {
        name: SESSIONS,
        indexes: || {
            vec![
                index("user", doc! { "user_id": 1 }, false),
                expire_at("expires", "expires_at"),
            ]
        },
        holds_user_data: true,
    },
    CollectionSpec {
        name: LOGIN_TOKENS,
        indexes: || {
            vec![
                expire_at("expires", "expires_at"),
                index("email", doc! { "email": 1 }, false),
            ]
        },
        holds_user_data: true,
    },
    CollectionSpec {
        name: INVOICE_SEQUENCES,
        indexes: || vec![index("user", doc! { "user_id": 1 }, true)],
        holds_user_data: true,
    },
    CollectionSpec {
        name: CLIENTS,
        indexes: || {
            vec![
                index(
                    "by_name",
                    doc! { "user_id": 1, "sort_name": 1, "_id": 1 },
                    false,
                ),
                // The most recently added client (`clients::latest_currency`): without it a
                // shared server walks every account's clients by id.
                index("by_added", doc! { "user_id": 1, "_id": 1 }, false),
                // The dashboard's clients who pay latest (`db::pay_habits`).
                index(
                    "by_lateness",
                    doc! { "user_id": 1, "habits.average_days_late": 1, "_id": 1 },
                    false,
                ),
            ]
        },
        holds_user_data: true,
    },
    CollectionSpec {
        name: INVOICES,
        // One index per sort order of the list (owner first, `_id` as the tie-breaker the
        // cursor uses), plus the dashboard's and the client page's queries. All ascending:
        // MongoDB walks them backwards for descending sorts, and the local server returns
        // nothing for a `$gte` bound on a descending key.
        indexes: || {
            vec![
                index("number_unique", doc! { "user_id": 1, "sequence": 1 }, true),
                list_order("by_sequence", "sequence"),
                list_order("by_client_name", "client_sort"),
                list_order("by_issued", "issue_date"),
                list_order("by_due_date", "due_date"),
                list_order("by_amount", "total_minor"),
                index(
                    "by_status_due",
                    doc! { "user_id": 1, "status": 1, "due_date": 1 },
                    false,
                ),
                // A search reads the invoices holding one piece of what was typed
                // (`db::invoices::search`).
                index(
                    "by_search_piece",
                    doc! { "user_id": 1, "search_grams": 1, "status": 1 },
                    false,
                ),
                index(
                    "by_client_sequence",
                    doc! { "user_id": 1, "client_id": 1, "sequence": 1 },
                    false,
                ),
                // Webhooks find the invoice a Stripe payment link or invoice belongs to;
                // reconciliation walks the open payments due a look.
                index(
                    "by_stripe_object",
                    doc! { "user_id": 1, "stripe.object_id": 1 },
                    false,
                ),
                // Money paid through a payment link since replaced finds its invoice.
                index(
                    "by_retired_link",
                    doc! { "user_id": 1, "retired_links": 1 },
                    false,
                ),
                sparse("stripe_checks", doc! { "stripe_check_at": 1 }),
                // The engine's sweep for sent invoices whose email is not scheduled yet.
                sparse("invoice_email_pending", doc! { "email_pending_since": 1 }),
                // The engine's look at credit notes whose email has not gone yet.
                sparse(
                    "credit_note_emails_due",
                    doc! { "credit_note_emails_due": 1 },
                ),
                sparse_unique("public_token_unique", doc! { "public_token": 1 }),
                sparse_unique("reply_token_unique", doc! { "reply_token": 1 }),
            ]
        },
        holds_user_data: true,
    },
    CollectionSpec {
        name: ACTIVITY,
        indexes: || {
            vec![index(
                "newest_first",
                doc! { "user_id": 1, "at": -1, "_id": -1 },
                false,
            )]
        },
        holds_user_data: true,
    },
    CollectionSpec {
        // One document per (invoice, step): the unique index is what makes a second email
        // for the same step impossible. The engine finds work through `due` and `leases`,
        // so a tick costs what is due, not what is open.
        name: EMAIL_JOBS,
        indexes: || {
            vec![
                index("step_unique", doc! { "invoice_id": 1, "step": 1 }, true),
                index("due", doc! { "state": 1, "due_at": 1 }, false),
                index("leases", doc! { "state": 1, "lease_until": 1 }, false),
                index(
                    "by_invoice",
                    doc! { "user_id": 1, "invoice_id": 1, "due_at": 1 },
                    false,
                ),
                index("by_provider_id", doc! { "provider_id": 1 }, false),
                index("by_batch", doc! { "batch": 1 }, false),
            ]
        },
        holds_user_data: true,
    },
    CollectionSpec {
        // Emails sent to Resend together. Rendered emails are kept only until the batch is
        // sent (minutes; hours while Resend is down), then dropped; the batch goes a day later.
        name: EMAIL_BATCHES,
        indexes: || {
            vec![
                index("leases", doc! { "state": 1, "lease_until": 1 }, false),
                expire_at("expires", "expires_at"),
            ]
        },
        holds_user_data: false,
    },
    CollectionSpec {
        // Short leases (`db::locks`), named after what they guard; gone a minute after.
        name: LOCKS,
        indexes: || vec![expire_at("expires", "expires_at")],
        holds_user_data: false,
    },
    CollectionSpec {
        // Business logos, by owner (`_id` is the user's id; `db::logos`).
        name: LOGOS,
        indexes: Vec::new,
        holds_user_data: true,
    },
    CollectionSpec {
        // One document per data migration that has run (`db::migrations`), so it runs once.
        name: MIGRATIONS,
        indexes: Vec::new,
        holds_user_data: false,
    },
    CollectionSpec {
        // Sealed Stripe keys and signing secrets: the export leaves those out (account_data).
        name: STRIPE_CONNECTIONS,
        indexes: || {
            vec![
                index("user_unique", doc! { "user_id": 1 }, true),
                index("hook_unique", doc! { "hook_id": 1 }, true),
                // Whose list of events is read next (payments::missed_events).
                index("events_due", doc! { "events_check_at": 1 }, false),
            ]
        },
        holds_user_data: true,
    },
    CollectionSpec {
        // Counts per (day, event), nothing about who: the operators' usage page.
        name: USAGE_DAILY,
        indexes: || vec![index("by_day", doc! { "day": 1 }, false)],
        holds_user_data: false,
    },
    CollectionSpec {
        // Ids of webhook events already handled, so a redelivery changes nothing.
        name: WEBHOOK_EVENTS,
        indexes: || vec![expire_at("expires", "expires_at")],
        holds_user_data: false,
    },
    CollectionSpec {
        name: OAUTH_STATES,
        indexes: || vec![expire_at("expires", "expires_at")],
        holds_user_data: false,
    },
    CollectionSpec {
        name: RATE_LIMITS,
        indexes: || vec![expire_at("expires", "expires_at")],
        holds_user_data: false,
    },
    CollectionSpec {
        // What each user collected per currency and month (`db::collected`).
        name: COLLECTED_MONTHLY,
        indexes: || vec![index("by_month", doc! { "user_id": 1, "month": 1 }, false)],
        holds_user_data: true,
    },
    CollectionSpec {
        // What each user's open invoices owe per currency and due date (`db::owed`).
        name: OWED,
        indexes: || vec![index("by_user", doc! { "user_id": 1 }, false)],
        holds_user_data: true,
    },
    CollectionSpec {
        // What each client's open invoices owe per currency and due date (`db::client_owed`).
        name: CLIENT_OWED,
        indexes: || {
            vec![index(
                "by_client",
                doc! { "user_id": 1, "client_id": 1 },
                false,
            )]
        },
        holds_user_data: true,
    },
    CollectionSpec {
        // The clients who pay latest, one document per user (`_id` is the user's id;
        // `db::late_payers`).
        name: LATE_PAYERS,
        // Export and deletion find a user's documents by `user_id`.
        indexes: || vec![index("by_user", doc! { "user_id": 1 }, false)],
        holds_user_data: true,
    },
    CollectionSpec {
        // Clients' replies to invoice emails (`db::replies`), once per received message.
        name: REPLIES,
        indexes: || {
            vec![
                index("message_unique", doc! { "provider_id": 1 }, true),
                index(
                    "by_invoice",
                    doc! { "user_id": 1, "invoice_id": 1, "received_at": 1 },
                    false,
                ),
                index(
                    "by_client",
                    doc! { "user_id": 1, "client_id": 1, "received_at": 1 },
                    false,
                ),
            ]
        },
        holds_user_data: true,
    },
    CollectionSpec {
        name: OUTBOX,
        indexes: || {
            vec![
                index(
                    "idempotency_key_unique",
                    doc! { "idempotency_key": 1 },
                    true,
                ),
                index("newest_first", doc! { "created_at": -1 }, false),
                index("recipient", doc! { "to": 1 }, false),
            ]
        },
        holds_user_data: true,
    },
];
