//! Credentials: Resend, Stripe (PayTrack's own account), Google, and the master keys that seal
//! users' Stripe keys. Each is optional until its feature is on, but must be well-formed when
//! given; the messages name the variable and never echo a secret.

use base64::Engine;

use super::values::endpoint;
use super::{GoogleCredentials, Problem, Secrets, Vars, problem};
use crate::server::secret::Secret;

/// The credentials; in `production`, without the master key the users' Stripe keys cannot be
/// sealed, which is a problem noted here too.
pub(super) fn read<F>(vars: &Vars<F>, production: bool) -> Secrets
where
    F: Fn(&'static str) -> Result<Option<String>, ()>,
{
    let prefixed = |variable: &'static str, prefixes: &[&str]| {
        let read = vars
            .get(variable)
            .and_then(|value| prefixed_secret(value, variable, prefixes));
        vars.or_note(read, None)
    };
    let current_key = vars.get("PAYTRACK_MASTER_KEY");
    // Given, usable or not: a malformed key is its own problem, not also the previous keys'.
    let current_given = matches!(current_key, Ok(Some(_)));
    let secrets = Secrets {
        resend_api_key: prefixed("RESEND_API_KEY", &["re_"]),
        resend_webhook_secret: prefixed("RESEND_WEBHOOK_SECRET", &["whsec_"]),
        master_key: vars.or_note(current_key.and_then(master_key), None),
        master_key_previous: vars.or_note(
            vars.get("PAYTRACK_MASTER_KEY_PREVIOUS")
                .and_then(previous_master_keys),
            Vec::new(),
        ),
        google: vars.or_note(read_google(vars), None),
        stripe_secret_key: prefixed("STRIPE_SECRET_KEY", &["sk_", "rk_"]),
        stripe_webhook_secret: prefixed("STRIPE_WEBHOOK_SECRET", &["whsec_"]),
        metrics_token: vars.or_note(
            vars.get("PAYTRACK_METRICS_TOKEN").and_then(metrics_token),
            None,
        ),
    };
    vars.or_note(require_master_key(&secrets, production, current_given), ());
    secrets
}

/// The bearer token `/metrics` asks for: long enough that it cannot be guessed.
fn metrics_token(value: Option<String>) -> Result<Option<Secret>, Problem> {
    match value {
        None => Ok(None),
        Some(token) if token.len() >= 24 && !token.chars().any(char::is_whitespace) => {
            Ok(Some(Secret::new(token)))
        }
        Some(_) => Err(problem(
            "PAYTRACK_METRICS_TOKEN",
            "is malformed: use at least 24 characters without spaces (for example `openssl rand -hex 24`)",
        )),
    }
}

fn read_google<F>(vars: &Vars<F>) -> Result<Option<GoogleCredentials>, Problem>
where
    F: Fn(&'static str) -> Result<Option<String>, ()>,
{
    let Some((client_id, client_secret)) = google(
        vars.get("GOOGLE_CLIENT_ID")?,
        vars.get("GOOGLE_CLIENT_SECRET")?,
    )?
    else {
        return Ok(None);
    };
    Ok(Some(GoogleCredentials {
        client_id,
        client_secret,
        auth_url: endpoint(
            "GOOGLE_AUTH_URL",
            vars.get("GOOGLE_AUTH_URL")?,
            "https://accounts.google.com/o/oauth2/v2/auth",
        )?,
        token_url: endpoint(
            "GOOGLE_TOKEN_URL",
            vars.get("GOOGLE_TOKEN_URL")?,
            "https://oauth2.googleapis.com/token",
        )?,
        userinfo_url: endpoint(
            "GOOGLE_USERINFO_URL",
            vars.get("GOOGLE_USERINFO_URL")?,
            "https://openidconnect.googleapis.com/v1/userinfo",
        )?,
    }))
}

/// Production seals users' Stripe keys, so it needs the master key; retired keys only open,
/// so they make no sense without a current one (`current_given`: PAYTRACK_MASTER_KEY has a
/// value).
fn require_master_key(
    secrets: &Secrets,
    production: bool,
    current_given: bool,
) -> Result<(), Problem> {
    if production && secrets.master_key.is_none() {
        return Err(problem(
            "PAYTRACK_MASTER_KEY",
            "is required in production: it encrypts users' Stripe keys at rest (make one with `openssl rand -base64 32` and keep it safe: without it they cannot be read)",
        ));
    }
    if !secrets.master_key_previous.is_empty() && !current_given {
        return Err(problem(
            "PAYTRACK_MASTER_KEY_PREVIOUS",
            "is set without PAYTRACK_MASTER_KEY: previous keys only open, the current key seals",
        ));
    }
    Ok(())
}

/// Production sends real email, so it needs Resend's key.
pub(super) fn require_email(secrets: &Secrets, production: bool) -> Result<(), Problem> {
    if production && secrets.resend_api_key.is_none() {
        return Err(problem(
            "RESEND_API_KEY",
            "is required in production: without it no email (sign-in links, invoices, reminders) can be sent",
        ));
    }
    Ok(())
}

fn prefixed_secret(
    value: Option<String>,
    variable: &'static str,
    prefixes: &[&str],
) -> Result<Option<Secret>, Problem> {
    match value {
        None => Ok(None),
        Some(v)
            if prefixes.iter().any(|p| v.starts_with(p)) && !v.contains(char::is_whitespace) =>
        {
            Ok(Some(Secret::new(v)))
        }
        Some(_) => Err(problem(
            variable,
            format!("is malformed: it must start with {}", prefixes.join(" or ")),
        )),
    }
}

fn master_key(value: Option<String>) -> Result<Option<Secret>, Problem> {
    value
        .map(|v| one_master_key("PAYTRACK_MASTER_KEY", "it", v))
        .transpose()
}

/// Keys retired by a rotation, comma-separated: they still open what they sealed.
fn previous_master_keys(value: Option<String>) -> Result<Vec<Secret>, Problem> {
    let Some(v) = value else {
        return Ok(Vec::new());
    };
    v.split(',')
        .enumerate()
        .map(|(i, key)| {
            one_master_key(
                "PAYTRACK_MASTER_KEY_PREVIOUS",
                &format!("key {}", i + 1),
                key.trim().to_string(),
            )
        })
        .collect()
}

/// 32 bytes in base64; the message names which key is wrong, never what it is.
fn one_master_key(variable: &'static str, which: &str, v: String) -> Result<Secret, Problem> {
    match base64::engine::general_purpose::STANDARD.decode(v.as_bytes()) {
        Ok(bytes) if bytes.len() == 32 => Ok(Secret::new(v)),
        Ok(bytes) => Err(problem(
            variable,
            format!(
                "is malformed: {which} must be 32 bytes in base64, it decodes to {} bytes (make one with `openssl rand -base64 32`)",
                bytes.len()
            ),
        )),
        Err(_) => Err(problem(
            variable,
            format!(
                "is malformed: {which} is not valid base64 (make one with `openssl rand -base64 32`)"
            ),
        )),
    }
}

fn google(
    client_id: Option<String>,
    client_secret: Option<String>,
) -> Result<Option<(String, Secret)>, Problem> {
    match (client_id, client_secret) {
        (None, None) => Ok(None),
        (Some(client_id), Some(secret)) => Ok(Some((client_id, Secret::new(secret)))),
        (Some(_), None) => Err(problem(
            "GOOGLE_CLIENT_SECRET",
            "is missing: set it together with GOOGLE_CLIENT_ID, or unset both",
        )),
        (None, Some(_)) => Err(problem(
            "GOOGLE_CLIENT_ID",
            "is missing: set it together with GOOGLE_CLIENT_SECRET, or unset both",
        )),
    }
}
