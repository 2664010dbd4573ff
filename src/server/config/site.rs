//! Where PayTrack runs: the environment, the address it listens on and is reached at, its
//! database, the addresses it writes from and about, the APIs it calls, and who operates it.

use std::net::SocketAddr;

use super::values::{looks_like_email, parse_url, validate_database_name};
use super::{ConfigError, Environment, Vars, problem};

pub(super) struct Site {
    pub environment: Environment,
    pub bind_addr: SocketAddr,
    pub base_url: String,
    pub base_url_derived: bool,
    pub mongodb_uri: String,
    pub mongodb_database: String,
    pub contact_email: String,
    pub email_from: String,
    pub resend_base_url: String,
    pub stripe_api_base: String,
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub inbound_domain: Option<String>,
}

pub(super) fn read<F>(vars: &Vars<F>) -> Result<Site, ConfigError>
where
    F: Fn(&'static str) -> Result<Option<String>, ()>,
{
    let environment = match vars.get("PAYTRACK_ENV")?.as_deref() {
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

    let bind_addr = match vars.get("PAYTRACK_BIND_ADDR")? {
        None => SocketAddr::from(([127, 0, 0, 1], 3000)),
        Some(v) => v.parse().map_err(|_| {
            problem(
                "PAYTRACK_BIND_ADDR",
                format!("is malformed: expected ip:port such as 127.0.0.1:3000, got `{v}`"),
            )
        })?,
    };

    let given_base_url = vars.get("PAYTRACK_BASE_URL")?;
    let base_url_derived = given_base_url.is_none();
    let base_url = match given_base_url {
        Some(v) => parse_url("PAYTRACK_BASE_URL", &v)?,
        None if production => {
            return Err(problem(
                "PAYTRACK_BASE_URL",
                "is required in production (for example https://paytrack.example.com)",
            ));
        }
        None => format!("http://{bind_addr}"),
    };

    let mongodb_uri = vars.get("MONGODB_URI")?.ok_or_else(|| {
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

    let mongodb_database = vars
        .get("MONGODB_DATABASE")?
        .unwrap_or_else(|| "paytrack".to_string());
    validate_database_name(&mongodb_database)?;

    let contact_email = match vars.get("PAYTRACK_CONTACT_EMAIL")? {
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

    let email_from = match vars.get("PAYTRACK_EMAIL_FROM")? {
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

    Ok(Site {
        environment,
        bind_addr,
        base_url,
        base_url_derived,
        mongodb_uri,
        mongodb_database,
        contact_email,
        email_from,
        resend_base_url: api_origin(vars, "RESEND_BASE_URL", "https://api.resend.com")?,
        stripe_api_base: api_origin(vars, "STRIPE_API_BASE", "https://api.stripe.com")?,
        trusted_proxies: trusted_proxies(vars)?,
        inbound_domain: inbound_domain(vars)?,
    })
}

/// `PAYTRACK_INBOUND_DOMAIN`: the domain Resend receives clients' replies for.
fn inbound_domain<F>(vars: &Vars<F>) -> Result<Option<String>, ConfigError>
where
    F: Fn(&'static str) -> Result<Option<String>, ()>,
{
    let Some(domain) = vars.get("PAYTRACK_INBOUND_DOMAIN")? else {
        return Ok(None);
    };
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    let sample = format!("reply@{domain}");
    match crate::domain::email::EmailAddress::parse(&sample) {
        Ok(_) if !domain.contains(['@', '/', ':']) => Ok(Some(domain)),
        _ => Err(problem(
            "PAYTRACK_INBOUND_DOMAIN",
            format!("is malformed: expected a domain such as replies.example.com, got `{domain}`"),
        )),
    }
}

/// `PAYTRACK_TRUSTED_PROXIES`: comma-separated CIDRs (a bare address is one host).
fn trusted_proxies<F>(vars: &Vars<F>) -> Result<Vec<ipnet::IpNet>, ConfigError>
where
    F: Fn(&'static str) -> Result<Option<String>, ()>,
{
    let Some(list) = vars.get("PAYTRACK_TRUSTED_PROXIES")? else {
        return Ok(Vec::new());
    };
    list.split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            entry
                .parse::<ipnet::IpNet>()
                .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map(|net| net.trunc())
                .map_err(|_| {
                    problem(
                        "PAYTRACK_TRUSTED_PROXIES",
                        format!(
                            "is malformed: `{entry}` is not an address or a CIDR such as 10.0.0.0/8 (the list is comma-separated)"
                        ),
                    )
                })
        })
        .collect()
}

/// An API's origin, or its public one when unset (tests point these at local stand-ins).
fn api_origin<F>(
    vars: &Vars<F>,
    variable: &'static str,
    default: &str,
) -> Result<String, ConfigError>
where
    F: Fn(&'static str) -> Result<Option<String>, ()>,
{
    match vars.get(variable)? {
        Some(v) => parse_url(variable, &v),
        None => Ok(default.to_string()),
    }
}

/// The people around this installation: the support chat and the operators.
pub(super) struct People {
    pub crisp_website_id: Option<String>,
    pub operators: Vec<String>,
}

pub(super) fn read_people<F>(vars: &Vars<F>) -> Result<People, ConfigError>
where
    F: Fn(&'static str) -> Result<Option<String>, ()>,
{
    let crisp_website_id = match vars.get("CRISP_WEBSITE_ID")? {
        None => None,
        Some(id) if id.len() == 36 && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') => {
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

    let operators = match vars.get("PAYTRACK_OPERATORS")? {
        None => Vec::new(),
        Some(list) => list
            .split(',')
            .map(|address| {
                crate::domain::email::EmailAddress::parse(address.trim())
                    .map(|a| a.to_string().to_lowercase())
                    .map_err(|_| {
                        problem(
                            "PAYTRACK_OPERATORS",
                            format!(
                                "is malformed: `{}` is not an email address (the list is comma-separated)",
                                address.trim()
                            ),
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()?,
    };
    Ok(People {
        crisp_website_id,
        operators,
    })
}
