//! Typed configuration read from the environment once at start-up.
//!
//! Every variable is listed, with what it does, in `.env.example`. A missing or malformed value
//! stops start-up with one line that names the variable; secret values are never echoed back.

use std::fmt;
use std::net::SocketAddr;

use base64::Engine;

use super::secret::Secret;

/// Whether PayTrack runs on a developer's machine or for real users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    /// Local defaults are allowed (base URL from the bind address, a placeholder contact).
    Development,
    /// Every user-facing setting must be given explicitly.
    Production,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub environment: Environment,
    pub bind_addr: SocketAddr,
    /// The public origin users reach PayTrack at, without a trailing slash.
    pub base_url: String,
    pub mongodb_uri: Secret,
    pub mongodb_database: String,
    /// Where users write about their data (shown in the privacy policy).
    pub contact_email: String,
    /// The From header of every email PayTrack sends, e.g. `PayTrack <billing@example.com>`.
    pub email_from: String,
    /// Resend's API origin; tests point it at a local stand-in.
    pub resend_base_url: String,
    /// Stripe's API origin for users' own accounts; tests point it at a local stand-in.
    pub stripe_api_base: String,
    pub secrets: Secrets,
    /// True when the base URL was derived from the bind address rather than given.
    pub base_url_derived: bool,
    /// How often this server looks for emails that are due; `None` when it does not (another
    /// process runs the engine, or a test drives it with its own clock).
    pub email_worker_every: Option<std::time::Duration>,
    /// How often this server asks Stripe about open payments (reconciliation); `None` when
    /// it does not.
    pub reconcile_every: Option<std::time::Duration>,
    /// PayTrack's own subscriptions; `None` when not configured, and then nobody is limited
    /// (a self-hosted PayTrack without billing has no plans).
    pub billing: Option<BillingConfig>,
    /// What the Free plan allows when billing is on.
    pub free_limits: crate::domain::plan::FreeLimits,
    /// Crisp's website id: the support chat loads on app pages only when it is set.
    pub crisp_website_id: Option<String>,
    /// Who may see the usage page (`/operator`): lower-cased email addresses.
    pub operators: Vec<String>,
}

/// The Pro prices in PayTrack's own Stripe account.
#[derive(Debug, Clone)]
pub struct BillingConfig {
    pub price_monthly: String,
    pub price_yearly: String,
}

impl Config {
    /// Whether the server only listens on this machine (development conveniences such as the
    /// dev outbox are offered only then).
    pub fn is_loopback(&self) -> bool {
        self.bind_addr.ip().is_loopback()
    }

    /// Session cookies carry `Secure` unless PayTrack is reached over plain http on loopback
    /// (local development), where browsers would otherwise drop them.
    pub fn cookies_secure(&self) -> bool {
        let Some(rest) = self.base_url.strip_prefix("http://") else {
            return true;
        };
        let host = rest.rsplit_once(':').map_or(rest, |(host, _)| host);
        !matches!(host, "127.0.0.1" | "localhost" | "[::1]")
    }

    /// The scheme, host and port of the base URL, as browsers send it in `Origin`.
    pub fn origin(&self) -> &str {
        &self.base_url
    }
}

/// Credentials that later features use; each is optional until its feature is switched on, but
/// when given it must be well-formed.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    pub resend_api_key: Option<Secret>,
    /// Signs Resend's delivery webhooks (`whsec_…`); without it `/webhooks/resend` is off.
    pub resend_webhook_secret: Option<Secret>,
    /// 32-byte key that encrypts users' Stripe keys at rest.
    pub master_key: Option<Secret>,
    /// Master keys retired by a rotation: they open what they sealed, never seal.
    pub master_key_previous: Vec<Secret>,
    pub google: Option<GoogleCredentials>,
    pub stripe_secret_key: Option<Secret>,
    pub stripe_webhook_secret: Option<Secret>,
}

#[derive(Debug, Clone)]
pub struct GoogleCredentials {
    pub client_id: String,
    pub client_secret: Secret,
    /// Google's endpoints; configurable so tests can point them at a local stand-in.
    pub auth_url: String,
    pub token_url: String,
    pub userinfo_url: String,
}

/// A configuration problem, naming the variable and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "configuration error: {} {}", self.variable, self.problem)
    }
}

impl std::error::Error for ConfigError {}

fn problem(variable: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        problem: problem.into(),
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| match std::env::var(name) {
            Ok(value) => Ok(Some(value)),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(()),
        })
    }

    /// For commands run from the shell: the configuration, or the problem printed and the
    /// exit code for a usage error.
    pub fn for_command() -> Result<Self, std::process::ExitCode> {
        Self::from_env().map_err(|err| {
            eprintln!("paytrack: {err}");
            std::process::ExitCode::from(2)
        })
    }

    /// Reads configuration through `lookup`, which answers `Err(())` for a value that is not
    /// valid UTF-8. Empty values count as unset, as in most `.env` tooling.
    pub fn from_lookup(
        lookup: impl Fn(&'static str) -> Result<Option<String>, ()>,
    ) -> Result<Self, ConfigError> {
        let get = |name: &'static str| -> Result<Option<String>, ConfigError> {
            match lookup(name) {
                Ok(Some(v)) if v.trim().is_empty() => Ok(None),
                Ok(Some(v)) => Ok(Some(v.trim().to_string())),
                Ok(None) => Ok(None),
                Err(()) => Err(problem(name, "is not valid UTF-8")),
            }
        };

        let environment = match get("PAYTRACK_ENV")?.as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(_) => {
                return Err(problem(
                    "PAYTRACK_ENV",
                    "must be `development` or `production`",
                ));
            }
        };
        let production = environment == Environment::Production;

        let bind_addr = match get("PAYTRACK_BIND_ADDR")? {
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
            Some(v) => v.parse().map_err(|_| {
                problem(
                    "PAYTRACK_BIND_ADDR",
                    format!("is malformed: expected ip:port such as 127.0.0.1:3000, got `{v}`"),
                )
            })?,
        };

        let base_url_derived = get("PAYTRACK_BASE_URL")?.is_none();
        let base_url = match get("PAYTRACK_BASE_URL")? {
            Some(v) => parse_url("PAYTRACK_BASE_URL", &v)?,
            None if production => {
                return Err(problem(
                    "PAYTRACK_BASE_URL",
                    "is required in production (for example https://paytrack.example.com)",
                ));
            }
            None => format!("http://{bind_addr}"),
        };

        let mongodb_uri = get("MONGODB_URI")?.ok_or_else(|| {
            problem(
                "MONGODB_URI",
                "is required (for example mongodb://127.0.0.1:27017); `scripts/run` starts a local database and sets it for you",
            )
        })?;
        if !(mongodb_uri.starts_with("mongodb://") || mongodb_uri.starts_with("mongodb+srv://")) {
            return Err(problem(
                "MONGODB_URI",
                "is malformed: it must start with mongodb:// or mongodb+srv://",
            ));
        }

        let mongodb_database = get("MONGODB_DATABASE")?.unwrap_or_else(|| "paytrack".to_string());
        validate_database_name(&mongodb_database)?;

        let contact_email = match get("PAYTRACK_CONTACT_EMAIL")? {
            Some(v) if looks_like_email(&v) => v,
            Some(v) => {
                return Err(problem(
                    "PAYTRACK_CONTACT_EMAIL",
                    format!("is malformed: `{v}` is not an email address"),
                ));
            }
            None if production => {
                return Err(problem(
                    "PAYTRACK_CONTACT_EMAIL",
                    "is required in production: the privacy policy names it",
                ));
            }
            None => "privacy@paytrack.localhost".to_string(),
        };

        let email_from = match get("PAYTRACK_EMAIL_FROM")? {
            Some(v) if v.contains('@') && !v.contains(['\r', '\n']) => v,
            Some(_) => {
                return Err(problem(
                    "PAYTRACK_EMAIL_FROM",
                    "is malformed: expected an address such as `PayTrack <billing@example.com>`",
                ));
            }
            None if production => {
                return Err(problem(
                    "PAYTRACK_EMAIL_FROM",
                    "is required in production: it is the sender of every email",
                ));
            }
            None => "PayTrack <no-reply@paytrack.localhost>".to_string(),
        };
        let resend_base_url = match get("RESEND_BASE_URL")? {
            Some(v) => parse_url("RESEND_BASE_URL", &v)?,
            None => "https://api.resend.com".to_string(),
        };

        let stripe_api_base = match get("STRIPE_API_BASE")? {
            Some(v) => parse_url("STRIPE_API_BASE", &v)?,
            None => "https://api.stripe.com".to_string(),
        };

        let secrets = Secrets {
            resend_api_key: prefixed_secret(get("RESEND_API_KEY")?, "RESEND_API_KEY", &["re_"])?,
            resend_webhook_secret: prefixed_secret(
                get("RESEND_WEBHOOK_SECRET")?,
                "RESEND_WEBHOOK_SECRET",
                &["whsec_"],
            )?,
            master_key: master_key(get("PAYTRACK_MASTER_KEY")?)?,
            master_key_previous: previous_master_keys(get("PAYTRACK_MASTER_KEY_PREVIOUS")?)?,
            google: google(get("GOOGLE_CLIENT_ID")?, get("GOOGLE_CLIENT_SECRET")?)?
                .map(|(client_id, client_secret)| -> Result<_, ConfigError> {
                    Ok(GoogleCredentials {
                        client_id,
                        client_secret,
                        auth_url: endpoint(
                            "GOOGLE_AUTH_URL",
                            get("GOOGLE_AUTH_URL")?,
                            "https://accounts.google.com/o/oauth2/v2/auth",
                        )?,
                        token_url: endpoint(
                            "GOOGLE_TOKEN_URL",
                            get("GOOGLE_TOKEN_URL")?,
                            "https://oauth2.googleapis.com/token",
                        )?,
                        userinfo_url: endpoint(
                            "GOOGLE_USERINFO_URL",
                            get("GOOGLE_USERINFO_URL")?,
                            "https://openidconnect.googleapis.com/v1/userinfo",
                        )?,
                    })
                })
                .transpose()?,
            stripe_secret_key: prefixed_secret(
                get("STRIPE_SECRET_KEY")?,
                "STRIPE_SECRET_KEY",
                &["sk_", "rk_"],
            )?,
            stripe_webhook_secret: prefixed_secret(
                get("STRIPE_WEBHOOK_SECRET")?,
                "STRIPE_WEBHOOK_SECRET",
                &["whsec_"],
            )?,
        };

        let email_worker_every = match get("PAYTRACK_EMAIL_WORKER_SECONDS")?.as_deref() {
            None => Some(std::time::Duration::from_secs(60)),
            Some("off") => None,
            Some(v) => match v.parse::<u64>() {
                Ok(seconds @ 1..=3600) => Some(std::time::Duration::from_secs(seconds)),
                _ => {
                    return Err(problem(
                        "PAYTRACK_EMAIL_WORKER_SECONDS",
                        format!(
                            "is malformed: expected seconds from 1 to 3600, or `off`, got `{v}`"
                        ),
                    ));
                }
            },
        };

        let reconcile_every = match get("PAYTRACK_RECONCILE_SECONDS")?.as_deref() {
            None => Some(std::time::Duration::from_secs(300)),
            Some("off") => None,
            Some(v) => match v.parse::<u64>() {
                Ok(seconds @ 10..=86_400) => Some(std::time::Duration::from_secs(seconds)),
                _ => {
                    return Err(problem(
                        "PAYTRACK_RECONCILE_SECONDS",
                        format!(
                            "is malformed: expected seconds from 10 to 86400, or `off`, got `{v}`"
                        ),
                    ));
                }
            },
        };

        if production && secrets.master_key.is_none() {
            return Err(problem(
                "PAYTRACK_MASTER_KEY",
                "is required in production: it encrypts users' Stripe keys at rest (make one with `openssl rand -base64 32` and keep it safe: without it they cannot be read)",
            ));
        }
        if !secrets.master_key_previous.is_empty() && secrets.master_key.is_none() {
            return Err(problem(
                "PAYTRACK_MASTER_KEY_PREVIOUS",
                "is set without PAYTRACK_MASTER_KEY: previous keys only open, the current key seals",
            ));
        }

        let billing = match (
            &secrets.stripe_secret_key,
            get("STRIPE_PRICE_PRO_MONTHLY")?,
            get("STRIPE_PRICE_PRO_YEARLY")?,
        ) {
            (None, None, None) => None,
            (Some(_), Some(monthly), Some(yearly)) => Some(BillingConfig {
                price_monthly: price_id("STRIPE_PRICE_PRO_MONTHLY", monthly)?,
                price_yearly: price_id("STRIPE_PRICE_PRO_YEARLY", yearly)?,
            }),
            (None, _, _) => {
                return Err(problem(
                    "STRIPE_SECRET_KEY",
                    "is required with the Pro prices: it is PayTrack's own Stripe account, where subscriptions are billed",
                ));
            }
            (Some(_), None, _) => {
                return Err(problem(
                    "STRIPE_PRICE_PRO_MONTHLY",
                    "is required with STRIPE_SECRET_KEY: the id (price_…) of Pro's monthly price",
                ));
            }
            (Some(_), Some(_), None) => {
                return Err(problem(
                    "STRIPE_PRICE_PRO_YEARLY",
                    "is required with STRIPE_SECRET_KEY: the id (price_…) of Pro's yearly price",
                ));
            }
        };
        let defaults = crate::domain::plan::FreeLimits::default();
        let free_limits = crate::domain::plan::FreeLimits {
            active_clients: limit(
                "PAYTRACK_FREE_ACTIVE_CLIENTS",
                get("PAYTRACK_FREE_ACTIVE_CLIENTS")?,
                defaults.active_clients,
            )?,
            invoices_per_month: limit(
                "PAYTRACK_FREE_INVOICES_PER_MONTH",
                get("PAYTRACK_FREE_INVOICES_PER_MONTH")?,
                defaults.invoices_per_month,
            )?,
            reminder_steps: limit(
                "PAYTRACK_FREE_REMINDER_STEPS",
                get("PAYTRACK_FREE_REMINDER_STEPS")?,
                defaults.reminder_steps,
            )?,
        };

        let crisp_website_id = match get("CRISP_WEBSITE_ID")? {
            None => None,
            Some(id)
                if id.len() == 36 && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') =>
            {
                Some(id.to_lowercase())
            }
            Some(id) => {
                return Err(problem(
                    "CRISP_WEBSITE_ID",
                    format!(
                        "is malformed: expected Crisp's website id, a UUID such as 8c2b1c1e-…, got `{id}`"
                    ),
                ));
            }
        };

        let operators = match get("PAYTRACK_OPERATORS")? {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .map(|address| {
                    crate::domain::email::EmailAddress::parse(address.trim())
                        .map(|a| a.to_string().to_lowercase())
                        .map_err(|_| {
                            problem(
                                "PAYTRACK_OPERATORS",
                                format!("is malformed: `{}` is not an email address (the list is comma-separated)", address.trim()),
                            )
                        })
                })
                .collect::<Result<Vec<_>, _>>()?,
        };

        if production && secrets.resend_api_key.is_none() {
            return Err(problem(
                "RESEND_API_KEY",
                "is required in production: without it no email (sign-in links, invoices, reminders) can be sent",
            ));
        }

        Ok(Config {
            environment,
            bind_addr,
            base_url,
            mongodb_uri: Secret::new(mongodb_uri),
            mongodb_database,
            contact_email,
            email_from,
            resend_base_url,
            stripe_api_base,
            secrets,
            base_url_derived,
            email_worker_every,
            reconcile_every,
            billing,
            free_limits,
            crisp_website_id,
            operators,
        })
    }
}

fn price_id(variable: &'static str, value: String) -> Result<String, ConfigError> {
    if value.starts_with("price_")
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        Ok(value)
    } else {
        Err(problem(
            variable,
            format!("is malformed: expected a Stripe price id such as price_1Abc…, got `{value}`"),
        ))
    }
}

fn limit(variable: &'static str, value: Option<String>, default: u32) -> Result<u32, ConfigError> {
    match value {
        None => Ok(default),
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=100_000).contains(n))
            .ok_or_else(|| {
                problem(
                    variable,
                    format!("is malformed: expected a whole number from 1 to 100000, got `{v}`"),
                )
            }),
    }
}

fn parse_url(variable: &'static str, value: &str) -> Result<String, ConfigError> {
    let trimmed = value.trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(['/', '?', '#', ' ']) => {
            Ok(trimmed.to_string())
        }
        _ => Err(problem(
            variable,
            format!(
                "is malformed: expected an origin such as https://paytrack.example.com, got `{value}`"
            ),
        )),
    }
}

fn validate_database_name(name: &str) -> Result<(), ConfigError> {
    // MongoDB forbids these characters in database names and caps the length at 63 bytes.
    let forbidden = ['/', '\\', '.', ' ', '"', '$', '*', '<', '>', ':', '|', '?'];
    if name.len() > 63 || name.contains(forbidden) {
        return Err(problem(
            "MONGODB_DATABASE",
            format!("is malformed: `{name}` is not a valid MongoDB database name"),
        ));
    }
    Ok(())
}

fn looks_like_email(value: &str) -> bool {
    match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !value.contains(char::is_whitespace)
        }
        None => false,
    }
}

fn prefixed_secret(
    value: Option<String>,
    variable: &'static str,
    prefixes: &[&str],
) -> Result<Option<Secret>, ConfigError> {
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

fn master_key(value: Option<String>) -> Result<Option<Secret>, ConfigError> {
    value
        .map(|v| one_master_key("PAYTRACK_MASTER_KEY", "it", v))
        .transpose()
}

/// Keys retired by a rotation, comma-separated: they still open what they sealed.
fn previous_master_keys(value: Option<String>) -> Result<Vec<Secret>, ConfigError> {
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
fn one_master_key(variable: &'static str, which: &str, v: String) -> Result<Secret, ConfigError> {
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

/// A full http(s) URL (paths allowed), or `default` when unset.
fn endpoint(
    variable: &'static str,
    value: Option<String>,
    default: &str,
) -> Result<String, ConfigError> {
    match value {
        None => Ok(default.to_string()),
        Some(v)
            if (v.starts_with("https://") || v.starts_with("http://"))
                && !v.contains(char::is_whitespace) =>
        {
            Ok(v)
        }
        Some(v) => Err(problem(
            variable,
            format!("is malformed: expected an http(s) URL, got `{v}`"),
        )),
    }
}

fn google(
    client_id: Option<String>,
    client_secret: Option<String>,
) -> Result<Option<(String, Secret)>, ConfigError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&'static str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<&str, String> = vars.iter().map(|(k, v)| (*k, v.to_string())).collect();
        Config::from_lookup(|name| Ok(map.get(name).cloned()))
    }

    const URI: (&str, &str) = ("MONGODB_URI", "mongodb://127.0.0.1:27017");

    #[test]
    fn development_defaults_need_only_a_database() -> Result<(), ConfigError> {
        let config = load(&[URI])?;
        assert_eq!(config.environment, Environment::Development);
        assert_eq!(config.bind_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(config.base_url, "http://127.0.0.1:3000");
        assert_eq!(config.mongodb_database, "paytrack");
        assert!(config.secrets.google.is_none());
        Ok(())
    }
    #[test]
    fn missing_database_uri_names_the_variable() {
        let err = load(&[]).unwrap_err();
        assert_eq!(err.variable, "MONGODB_URI");
        assert!(
            err.to_string()
                .starts_with("configuration error: MONGODB_URI is required")
        );
    }

    #[test]
    fn malformed_values_name_the_variable() {
        let cases: &[(&'static str, &str)] = &[
            ("PAYTRACK_BIND_ADDR", "localhost"),
            ("PAYTRACK_BASE_URL", "paytrack.example.com"),
            ("PAYTRACK_BASE_URL", "https://x.example.com/app?x"),
            ("PAYTRACK_ENV", "staging"),
            ("MONGODB_DATABASE", "pay.track"),
            ("PAYTRACK_CONTACT_EMAIL", "nobody"),
            ("PAYTRACK_MASTER_KEY", "not base64!"),
            ("PAYTRACK_MASTER_KEY", "c2hvcnQ="),
            ("RESEND_API_KEY", "sk_live_wrong"),
            ("STRIPE_SECRET_KEY", "pk_test_publishable"),
            ("STRIPE_WEBHOOK_SECRET", "secret"),
            ("PAYTRACK_EMAIL_FROM", "nobody"),
            ("RESEND_BASE_URL", "api.resend.com"),
            ("CRISP_WEBSITE_ID", "not-a-website"),
            ("PAYTRACK_OPERATORS", "ops@example.com, nobody"),
        ];
        let google = [("GOOGLE_CLIENT_ID", "id"), ("GOOGLE_CLIENT_SECRET", "s")];
        let err = load(&[URI, google[0], google[1], ("GOOGLE_TOKEN_URL", "token")]).unwrap_err();
        assert_eq!(err.variable, "GOOGLE_TOKEN_URL");
        for (variable, value) in cases {
            let err = load(&[URI, (variable, value)]).unwrap_err();
            assert_eq!(&err.variable, variable, "{value}");
            assert!(
                err.problem.contains("malformed") || err.problem.contains("must"),
                "{err}"
            );
        }
        assert_eq!(
            load(&[("MONGODB_URI", "postgres://x")])
                .unwrap_err()
                .variable,
            "MONGODB_URI"
        );
    }

    #[test]
    fn secret_values_are_never_echoed_in_errors() {
        let err = load(&[URI, ("RESEND_API_KEY", "xx_supersecretvalue")]).unwrap_err();
        assert!(!err.to_string().contains("supersecretvalue"));
        let err = load(&[URI, ("PAYTRACK_MASTER_KEY", "c2VjcmV0c2VjcmV0")]).unwrap_err();
        assert!(!err.to_string().contains("c2VjcmV0c2VjcmV0"));
    }

    #[test]
    fn production_requires_public_settings() -> Result<(), ConfigError> {
        let err = load(&[URI, ("PAYTRACK_ENV", "production")]).unwrap_err();
        assert_eq!(err.variable, "PAYTRACK_BASE_URL");
        let err = load(&[
            URI,
            ("PAYTRACK_ENV", "production"),
            ("PAYTRACK_BASE_URL", "https://paytrack.example.com/"),
        ])
        .unwrap_err();
        assert_eq!(err.variable, "PAYTRACK_CONTACT_EMAIL");
        let mut vars = vec![
            URI,
            ("PAYTRACK_ENV", "production"),
            ("PAYTRACK_BASE_URL", "https://paytrack.example.com/"),
            ("PAYTRACK_CONTACT_EMAIL", "privacy@paytrack.example.com"),
        ];
        assert_eq!(load(&vars).unwrap_err().variable, "PAYTRACK_EMAIL_FROM");
        vars.push((
            "PAYTRACK_EMAIL_FROM",
            "PayTrack <billing@paytrack.example.com>",
        ));
        assert_eq!(load(&vars).unwrap_err().variable, "PAYTRACK_MASTER_KEY");
        let key = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        vars.push(("PAYTRACK_MASTER_KEY", &key));
        assert_eq!(load(&vars).unwrap_err().variable, "RESEND_API_KEY");
        vars.push(("RESEND_API_KEY", "re_123456"));
        let config = load(&vars)?;
        assert!(config.cookies_secure());
        assert_eq!(config.base_url, "https://paytrack.example.com");
        Ok(())
    }
    #[test]
    fn cookies_are_secure_except_over_http_on_loopback() -> Result<(), ConfigError> {
        let local = load(&[URI])?;
        assert!(!local.cookies_secure());
        let lan = load(&[URI, ("PAYTRACK_BASE_URL", "http://192.168.1.10:3000")])?;
        assert!(lan.cookies_secure());
        let localhost = load(&[URI, ("PAYTRACK_BASE_URL", "http://localhost:3000")])?;
        assert!(!localhost.cookies_secure());
        Ok(())
    }

    #[test]
    fn google_credentials_come_in_pairs() -> Result<(), ConfigError> {
        let err = load(&[URI, ("GOOGLE_CLIENT_ID", "abc.apps.googleusercontent.com")]).unwrap_err();
        assert_eq!(err.variable, "GOOGLE_CLIENT_SECRET");
        let config = load(&[
            URI,
            ("GOOGLE_CLIENT_ID", "abc.apps.googleusercontent.com"),
            ("GOOGLE_CLIENT_SECRET", "shh"),
        ])?;
        assert!(config.secrets.google.is_some());
        Ok(())
    }
    #[test]
    fn a_well_formed_master_key_is_accepted() -> Result<(), ConfigError> {
        let key = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        let config = load(&[URI, ("PAYTRACK_MASTER_KEY", &key)])?;
        assert!(config.secrets.master_key.is_some());
        assert!(config.secrets.master_key_previous.is_empty());
        Ok(())
    }

    #[test]
    fn previous_master_keys_are_checked_one_by_one() -> Result<(), ConfigError> {
        let b64 = |byte: u8| base64::engine::general_purpose::STANDARD.encode([byte; 32]);
        let (current, old, older) = (b64(1), b64(2), b64(3));
        let both = format!("{old}, {older}");
        let config = load(&[
            URI,
            ("PAYTRACK_MASTER_KEY", &current),
            ("PAYTRACK_MASTER_KEY_PREVIOUS", &both),
        ])?;
        assert_eq!(config.secrets.master_key_previous.len(), 2);
        let broken = format!("{old},c2hvcnQ=");
        let err = load(&[
            URI,
            ("PAYTRACK_MASTER_KEY", &current),
            ("PAYTRACK_MASTER_KEY_PREVIOUS", &broken),
        ])
        .unwrap_err();
        assert_eq!(err.variable, "PAYTRACK_MASTER_KEY_PREVIOUS");
        assert!(err.problem.contains("key 2 must be 32 bytes"), "{err}");
        assert!(!err.to_string().contains(&old));
        let err = load(&[URI, ("PAYTRACK_MASTER_KEY_PREVIOUS", &old)]).unwrap_err();
        assert!(err.problem.contains("without PAYTRACK_MASTER_KEY"), "{err}");
        Ok(())
    }
    #[test]
    fn empty_values_count_as_unset() -> Result<(), ConfigError> {
        let config = load(&[URI, ("PAYTRACK_BASE_URL", "  ")])?;
        assert_eq!(config.base_url, "http://127.0.0.1:3000");
        Ok(())
    }
    #[test]
    fn non_utf8_values_name_the_variable() {
        let err = Config::from_lookup(|name| {
            if name == "PAYTRACK_BIND_ADDR" {
                Err(())
            } else if name == "MONGODB_URI" {
                Ok(Some("mongodb://x".into()))
            } else {
                Ok(None)
            }
        })
        .unwrap_err();
        assert_eq!(err.variable, "PAYTRACK_BIND_ADDR");
    }

    #[test]
    fn billing_needs_the_key_and_both_prices_and_limits_default_or_parse() {
        let key = ("STRIPE_SECRET_KEY", "sk_test_paytrack");
        let monthly = ("STRIPE_PRICE_PRO_MONTHLY", "price_monthly1");
        let yearly = ("STRIPE_PRICE_PRO_YEARLY", "price_yearly1");
        let Ok(config) = load(&[URI]) else {
            panic!("a configuration without billing loads")
        };
        assert!(config.billing.is_none());
        assert_eq!(
            config.free_limits,
            crate::domain::plan::FreeLimits::default()
        );
        let Ok(config) = load(&[
            URI,
            key,
            monthly,
            yearly,
            ("PAYTRACK_FREE_ACTIVE_CLIENTS", "10"),
        ]) else {
            panic!("a configuration with billing loads")
        };
        assert_eq!(
            config.billing.map(|b| b.price_yearly).as_deref(),
            Some("price_yearly1")
        );
        assert_eq!(config.free_limits.active_clients, 10);
        assert_eq!(
            load(&[URI, key]).unwrap_err().variable,
            "STRIPE_PRICE_PRO_MONTHLY"
        );
        assert_eq!(
            load(&[URI, key, monthly]).unwrap_err().variable,
            "STRIPE_PRICE_PRO_YEARLY"
        );
        assert_eq!(
            load(&[URI, monthly, yearly]).unwrap_err().variable,
            "STRIPE_SECRET_KEY"
        );
        let bad = load(&[URI, key, monthly, ("STRIPE_PRICE_PRO_YEARLY", "prod_123")]).unwrap_err();
        assert!(bad.problem.contains("price id"), "{bad}");
        let bad = load(&[URI, ("PAYTRACK_FREE_INVOICES_PER_MONTH", "0")]).unwrap_err();
        assert_eq!(bad.variable, "PAYTRACK_FREE_INVOICES_PER_MONTH");
    }
}
