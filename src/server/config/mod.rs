//! Typed configuration read from the environment once at start-up.
//!
//! Every variable is listed, with what it does, in `.env.example`. Missing or malformed values
//! stop start-up with one line per variable, every problem at once (an operator deploying
//! should not learn them one deploy at a time); secret values are never echoed back.
//! Each part of the configuration is read by its own file: `site` (where PayTrack runs, its
//! database and public addresses), `secrets` (credentials, the master keys, Google),
//! `workers` (how often the background passes run), `billing` (PayTrack's own plans);
//! `values` holds the checks they share.

mod billing;
mod secrets;
mod site;
mod values;
mod workers;

#[cfg(test)]
mod tests;

use std::fmt;
use std::net::SocketAddr;

use super::secret::Secret;

/// Whether PayTrack runs on a developer's machine or for real users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    /// Local defaults are allowed (base URL from the bind address, a placeholder contact).
    Development,
    /// Every user-facing setting must be given explicitly.
    Production,
}

/// The reply domain of local development without Resend (`localhost` names never resolve
/// anywhere else).
pub const DEV_INBOUND_DOMAIN: &str = "replies.localhost";

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
    /// The domain Resend receives clients' replies for (`reply+<token>@…`); `None`: replies
    /// go to the user's own address.
    pub inbound_domain: Option<String>,
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
    /// Reverse proxies whose `X-Forwarded-For` / `Forwarded` name the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
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

    /// Whether browsers should be told to use https only (Strict-Transport-Security): in
    /// production, when PayTrack's public address is https.
    pub fn wants_hsts(&self) -> bool {
        self.environment == Environment::Production && self.base_url.starts_with("https://")
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
    /// The bearer token `GET /metrics` requires; without it `/metrics` does not exist.
    pub metrics_token: Option<Secret>,
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
pub struct Problem {
    pub variable: &'static str,
    pub problem: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.variable, self.problem)
    }
}

/// Every problem the environment has, one per variable, in a fixed order (the same
/// environment always reads the same).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub problems: Vec<Problem>,
}

impl ConfigError {
    /// The variables named, in order.
    pub fn variables(&self) -> Vec<&'static str> {
        self.problems.iter().map(|p| p.variable).collect()
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.as_slice() {
            [one] => write!(f, "configuration error: {one}"),
            many => {
                write!(f, "{} configuration errors:", many.len())?;
                many.iter().try_for_each(|p| write!(f, "\n  - {p}"))
            }
        }
    }
}

impl std::error::Error for ConfigError {}

fn problem(variable: &'static str, problem: impl Into<String>) -> Problem {
    Problem {
        variable,
        problem: problem.into(),
    }
}

/// The environment as the parsers read it: trimmed, empty counted as unset, and a value that
/// is not UTF-8 refused with its name. It keeps the problems found so far, so reading goes on
/// past one to find the rest.
pub(super) struct Vars<F> {
    lookup: F,
    problems: std::cell::RefCell<Vec<Problem>>,
}

impl<F: Fn(&'static str) -> Result<Option<String>, ()>> Vars<F> {
    pub(super) fn get(&self, name: &'static str) -> Result<Option<String>, Problem> {
        match (self.lookup)(name) {
            Ok(Some(v)) if v.trim().is_empty() => Ok(None),
            Ok(Some(v)) => Ok(Some(v.trim().to_string())),
            Ok(None) => Ok(None),
            Err(()) => Err(problem(name, "is not valid UTF-8")),
        }
    }

    /// A setting's value, or `fallback` with its problem kept for the report. Only the first
    /// problem of a variable is kept: a malformed key is not also "required".
    pub(super) fn or_note<T>(&self, read: Result<T, Problem>, fallback: T) -> T {
        read.unwrap_or_else(|found| {
            let mut problems = self.problems.borrow_mut();
            if !problems.iter().any(|p| p.variable == found.variable) {
                problems.push(found);
            }
            fallback
        })
    }

    fn finish<T>(self, value: T) -> Result<T, ConfigError> {
        let problems = self.problems.into_inner();
        if problems.is_empty() {
            Ok(value)
        } else {
            Err(ConfigError { problems })
        }
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

    /// The start of a shell command: its arguments as `parse` read them, then the
    /// configuration; a problem with either is printed and becomes the usage-error exit code.
    pub fn for_command_with<T>(
        parsed: Result<T, String>,
    ) -> Result<(T, Self), std::process::ExitCode> {
        let parsed = parsed.map_err(|message| {
            eprintln!("{message}");
            std::process::ExitCode::from(2)
        })?;
        Ok((parsed, Self::for_command()?))
    }

    /// Reads configuration through `lookup`, which answers `Err(())` for a value that is not
    /// valid UTF-8. Empty values count as unset, as in most `.env` tooling. Every problem is
    /// reported, in a fixed order.
    pub fn from_lookup(
        lookup: impl Fn(&'static str) -> Result<Option<String>, ()>,
    ) -> Result<Self, ConfigError> {
        let vars = Vars {
            lookup,
            problems: Default::default(),
        };
        let site = site::read(&vars);
        let production = site.environment == Environment::Production;
        let secrets = secrets::read(&vars, production);
        let workers = workers::read(&vars);
        let billing = billing::read(&vars, &secrets);
        let people = site::read_people(&vars);
        vars.or_note(secrets::require_email(&secrets, production), ());
        let inbound_ready =
            secrets.resend_api_key.is_some() && secrets.resend_webhook_secret.is_some();
        if site.inbound_domain.is_some() && !inbound_ready {
            vars.or_note(
                Err(problem(
                    "PAYTRACK_INBOUND_DOMAIN",
                    "needs RESEND_API_KEY (to read the replies) and RESEND_WEBHOOK_SECRET (to trust Resend's events)",
                )),
                (),
            );
        }
        // Locally, without Resend, replies are written in the dev outbox ("Reply as the
        // client") to addresses on a name that never leaves this machine.
        let inbound_domain = match site.inbound_domain {
            None if !production && secrets.resend_api_key.is_none() => {
                Some(DEV_INBOUND_DOMAIN.to_string())
            }
            given => given,
        };
        vars.finish(Config {
            environment: site.environment,
            bind_addr: site.bind_addr,
            base_url: site.base_url,
            mongodb_uri: Secret::new(site.mongodb_uri),
            mongodb_database: site.mongodb_database,
            contact_email: site.contact_email,
            email_from: site.email_from,
            resend_base_url: site.resend_base_url,
            inbound_domain,
            stripe_api_base: site.stripe_api_base,
            secrets,
            base_url_derived: site.base_url_derived,
            email_worker_every: workers.email_worker_every,
            reconcile_every: workers.reconcile_every,
            billing: billing.billing,
            free_limits: billing.free_limits,
            crisp_website_id: people.crisp_website_id,
            operators: people.operators,
            trusted_proxies: site.trusted_proxies,
        })
    }
}
