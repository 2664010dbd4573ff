//! Security notices: emails that tell the account owner something changed about how their
//! account can be reached. Failing to send one is logged and does not undo the change.

use mongodb::bson::DateTime;

use crate::server::db::users::UserDoc;
use crate::server::email::{notify, templates};
use crate::server::state::AppState;

/// Sends `body` as a security notice to the address `user` signs in with.
pub async fn send(state: &AppState, user: &UserDoc, kind: &'static str, key: String, body: &str) {
    let rendered = templates::security_notice(&user.name, body, &state.config.base_url);
    notify::send_to(state, &user.email, None, rendered, kind, key).await;
}

pub async fn signed_out_everywhere(state: &AppState, user: &UserDoc, sessions: u64, now: DateTime) {
    let body = format!(
        "You signed out of PayTrack everywhere: {sessions} session{} ended. If this wasn't you, sign in again and check your account.",
        if sessions == 1 { "" } else { "s" }
    );
    send(
        state,
        user,
        "security_notice",
        format!(
            "signed-out-everywhere-{}-{}",
            user.id,
            now.timestamp_millis()
        ),
        &body,
    )
    .await;
}

pub async fn google_linked(state: &AppState, user: &UserDoc, now: DateTime) {
    send(
        state,
        user,
        "security_notice",
        format!("google-linked-{}-{}", user.id, now.timestamp_millis()),
        "A Google account was linked to your PayTrack account: you can now sign in with \"Continue with Google\" as well as with an emailed link. If this wasn't you, sign out everywhere from your account page.",
    )
    .await;
}

/// A Stripe key was connected, changed or disconnected (`body` says which).
pub async fn stripe_changed(state: &AppState, user: &UserDoc, body: &str, now: DateTime) {
    send(
        state,
        user,
        "security_notice",
        format!("stripe-changed-{}-{}", user.id, now.timestamp_millis()),
        body,
    )
    .await;
}
