//! Checks several parts of the configuration share.

use super::{Problem, problem};

pub(super) fn parse_url(variable: &'static str, value: &str) -> Result<String, Problem> {
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

pub(super) fn validate_database_name(name: &str) -> Result<(), Problem> {
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

pub(super) fn looks_like_email(value: &str) -> bool {
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

/// A full http(s) URL (paths allowed), or `default` when unset.
pub(super) fn endpoint(
    variable: &'static str,
    value: Option<String>,
    default: &str,
) -> Result<String, Problem> {
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
