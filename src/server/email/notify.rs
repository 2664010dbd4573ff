//! One transactional email sent on its own, best effort: used where the change it reports has
//! already happened and must not be undone by a failed email (the cause is logged).

use crate::domain::email::EmailAddress;
use crate::server::db::users::UserDoc;
use crate::server::email::{Email, templates};
use crate::server::state::AppState;

/// Sends `rendered` to `to`. With `on_behalf_of`, the user's name is on it and replies go to
/// them (receipts to their clients); otherwise it comes from PayTrack.
pub async fn send_to(
    state: &AppState,
    to: &str,
    on_behalf_of: Option<&UserDoc>,
    rendered: templates::Rendered,
    kind: &'static str,
    idempotency_key: String,
) {
    let Ok(to) = EmailAddress::parse(to) else {
        tracing::error!(kind, "stored address does not parse; email not sent");
        return;
    };
    let email = Email {
        sender_name: on_behalf_of.map(|user| user.name.clone()),
        reply_to: on_behalf_of.and_then(|user| EmailAddress::parse(&user.email).ok()),
        ..Email::from_paytrack(to, rendered, kind, idempotency_key)
    };
    if let Err(err) = state.mailer.send(&email).await {
        tracing::warn!(error = %err, kind, "email not sent");
    }
}
