//! A page asked for with a trailing slash (`/reminders/`) is sent to its one address: the
//! router rendered it, but only as the answer to a path no route names, so it went out as a
//! 404 the browser then showed as the page.

use axum::http::{Method, Uri};

/// Where a `GET` or `HEAD` of `uri` that matched no route belongs, when its path ends in
/// slashes: the same path without them, query kept (a path that is no page then answers 404).
/// Never a path another site could be read from (`//host`, `/\host`): those answer 404.
pub fn canonical(method: &Method, uri: &Uri) -> Option<String> {
    if method != Method::GET && method != Method::HEAD {
        return None;
    }
    let path = uri.path();
    let trimmed = path.trim_end_matches('/');
    if trimmed.len() == path.len() || !trimmed.starts_with('/') {
        return None;
    }
    let first = trimmed.as_bytes().get(1)?;
    if !first.is_ascii_alphanumeric() {
        return None;
    }
    Some(match uri.query() {
        Some(query) => format!("{trimmed}?{query}"),
        None => trimmed.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(uri: &str) -> Option<String> {
        canonical(&Method::GET, &uri.parse().unwrap())
    }

    #[test]
    fn a_trailing_slash_goes_to_the_page_with_its_query() {
        assert_eq!(get("/reminders/").as_deref(), Some("/reminders"));
        assert_eq!(get("/clients//").as_deref(), Some("/clients"));
        assert_eq!(
            get("/invoices/?status=overdue").as_deref(),
            Some("/invoices?status=overdue")
        );
        assert_eq!(
            canonical(&Method::HEAD, &"/pricing/".parse().unwrap()).as_deref(),
            Some("/pricing")
        );
    }

    #[test]
    fn other_paths_and_methods_are_left_alone() {
        for uri in [
            "/",
            "//",
            "/reminders",
            "//evil.example/",
            "/\\evil.example/",
            "/./x/",
        ] {
            assert_eq!(get(uri), None, "{uri}");
        }
        assert_eq!(
            canonical(&Method::POST, &"/reminders/".parse().unwrap()),
            None
        );
    }
}
