//! Where PayTrack runs: the environment, the address it listens on and is reached at, its
//! database, the addresses it writes from and about, the APIs it calls, and who operates it.

use std::net::SocketAddr;

use super::values::{looks_like_email, parse_url, validate_database_name};
use super::{Environment, Problem, Vars, problem};

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

pub(super) fn read<F>(vars: &Vars<F>) -> Site
where
    F: Fn(&'static str) -> Result<Option<String>, ()>,
{
    let environment = vars.or_note(environment(vars), Environment::Development);
    let production = environment == Environment::Production;
    let bind_addr = vars.or_note(bind_addr(vars), DEFAULT_BIND_ADDR.into());
    let (base_url, base_url_derived) = vars.or_note(
        base_url(vars, production, bind_addr),
        (String::new(), false),
    );
    Site {
        environment,
        bind_addr,
        base_url,
        base_url_derived,
        mongodb_uri: vars.or_note(mongodb_uri(vars), String::new()),
        mongodb_database: vars.or_note(mongodb_database(vars), String::new()),
        contact_email: vars.or_note(contact_email(vars, production), String::new()),
        email_from: vars.or_note(email_from(vars, production), String::new()),
        resend_base_url: vars.or_note(
            api_origin(vars, "RESEND_BASE_URL", "https://api.resend.com"),
            String::new(),
        ),
        stripe_api_base: vars.or_note(
            api_origin(vars, "STRIPE_API_BASE", "https://api.stripe.com"),
            String::new(),
        ),
        trusted_proxies: vars.or_note(trusted_proxies(vars), Vec::new()),
        inbound_domain: vars.or_note(inbound_domain(vars), None),
    }
}

/// Where the server listens when `PAYTRACK_BIND_ADDR` is unset: this machine only.
const DEFAULT_BIND_ADDR: ([u8; 4], u16) = ([127, 0, 0, 1], 3000);

fn environment<F>(vars: &Vars<F>) -> Result<Environment, Problem>
where
    F: Fn(&'static str) -> Result<Option<String>, ()>,
{
    match vars.get("PAYTRACK_ENV")?.as_deref() {
        None | Some("development") => Ok(Environment::Development),
        Some("production") => Ok(Environment::Production),
        Some(_) => Err(problem(
            "PAYTRACK_ENV",
            "must be `development` or `production`",
        )),
    }
}

fn bind_addr<F>(vars: &Vars<F>) -> Result<SocketAddr, Problem>
where
    F: Fn(&'static str) -> Result<Option<String>, ()>,
{
    match vars.get("PAYTRACK_BIND_ADDR")? {
        None => Ok(DEFAULT_BIND_ADDR.into()),
        Some(v) => v.parse().map_err(|_| {
            problem(
                "PAYTRACK_BIND_ADDR",
                format!("is malformed: expected ip:port such as 127.0.0.1:3000, got `{v}`"),
            )
        }),
    }
}

/// The public origin, and whether it was derived from the bind address (development only).
fn base_url<F>(
    vars: &Vars<F>,
    production: bool,
    bind_addr: SocketAddr,
) -> Result<(String, bool), Problem>
where
    F: Fn(&'static str) -> Result<Option<String>, ()>,
{
    match vars.get("PAYTRACK_BASE_URL")? {
        Some(v) => Ok((parse_url("PAYTRACK_BASE_URL", &v)?, false)),
        None if production => Err(problem(
            "PAYTRACK_BASE_URL",
            "is required in production (for example https://paytrack.example.com)",
        )),
        None => Ok((format!("http://{bind_addr}"), true)),
    }
}

fn mongodb_uri<F>(vars: &Vars<F>) -> Result<String, Problem>
where
    F: Fn(&'static str) -> Result<Option<String>, ()>,
{
    let uri = vars.get("MONGODB_URI")?.ok_or_else(|| {
        problem(
            "MONGODB_URI",
            "is required (for example mongodb://127.0.0.1:27017); `scripts/run` starts a local database and sets it for you",
        )
    })?;
    if uri.starts_with("mongodb://") || uri.starts_with("mongodb+srv://") {
        Ok(uri)
    } else {
        Err(problem(
            "MONGODB_URI",
            "is malformed: it must start with mongodb:// or mongodb+srv://",
        ))
    }
}

fn mongodb_database<F>(vars: &Vars<F>) -> Result<String, Problem>
where
    F: Fn(&'static str) -> Result<Option<String>, ()>,
{
    let name = vars
        .get("MONGODB_DATABASE")?
        .unwrap_or_else(|| "paytrack".to_string());
    validate_database_name(&name)?;
    Ok(name)
}

fn contact_email<F>(vars: &Vars<F>, production: bool) -> Result<String, Problem>
where
    F: Fn(&'static str) -> Result<Option<String>, ()>,
{
    match vars.get("PAYTRACK_CONTACT_EMAIL")? {
        Some(v) if looks_like_email(&v) => Ok(v),
        Some(v) => Err(problem(
            "PAYTRACK_CONTACT_EMAIL",
            format!("is malformed: `{v}` is not an email address"),
        )),
        None if production => Err(problem(
            "PAYTRACK_CONTACT_EMAIL",
            "is required in production: the privacy policy names it",
        )),
        None => Ok("privacy@paytrack.localhost".to_string()),
    }
}

fn email_from<F>(vars: &Vars<F>, production: bool) -> Result<String, Problem>
where
    F: Fn(&'static str) -> Result<Option<String>, ()>,
{
    match vars.get("PAYTRACK_EMAIL_FROM")? {
        // Written back as a mail header wants it: a name such as "PayTrack, Inc." quoted.
        Some(v) => match crate::domain::mailbox::parse(&v) {
            Ok((name, address)) => Ok(crate::domain::mailbox::format(&name, &address)),
            Err(why) => Err(problem(
                "PAYTRACK_EMAIL_FROM",
                format!(
                    "is malformed: {why} (expected an address such as `PayTrack <billing@example.com>`)"
                ),
            )),
        },
        None if production => Err(problem(
            "PAYTRACK_EMAIL_FROM",
            "is required in production: it is the sender of every email",
        )),
        None => Ok("PayTrack <no-reply@paytrack.localhost>".to_string()),
    }
}

/// `PAYTRACK_INBOUND_DOMAIN`: the domain Resend receives clients' replies for.
fn inbound_domain<F>(vars: &Vars<F>) -> Result<Option<String>, Problem>
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
fn trusted_proxies<F>(vars: &Vars<F>) -> Result<Vec<ipnet::IpNet>, Problem>
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
fn api_origin<F>(vars: &Vars<F>, variable: &'static str, default: &str) -> Result<String, Problem>
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

pub(super) fn read_people<F>(vars: &Vars<F>) -> People
where
    F: Fn(&'static str) -> Result<Option<String>, ()>,
{
    People {
        crisp_website_id: vars.or_note(crisp_website_id(vars), None),
        operators: vars.or_note(operators(vars), Vec::new()),
    }
}

fn crisp_website_id<F>(vars: &Vars<F>) -> Result<Option<String>, Problem>
where
    F: Fn(&'static str) -> Result<Option<String>, ()>,
{
    match vars.get("CRISP_WEBSITE_ID")? {
        None => Ok(None),
        Some(id) if id.len() == 36 && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') => {
            Ok(Some(id.to_lowercase()))
        }
        Some(id) => Err(problem(
            "CRISP_WEBSITE_ID",
            format!(
                "is malformed: expected Crisp's website id, a UUID such as 8c2b1c1e-…, got `{id}`"
            ),
        )),
    }
}

fn operators<F>(vars: &Vars<F>) -> Result<Vec<String>, Problem>
where
    F: Fn(&'static str) -> Result<Option<String>, ()>,
{
    let Some(list) = vars.get("PAYTRACK_OPERATORS")? else {
        return Ok(Vec::new());
    };
    list.split(',')
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
        .collect()
}
