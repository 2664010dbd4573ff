//! Refuses state-changing requests that a browser sent from another site (CSRF). Browsers
//! send `Origin` on cross-site POSTs; older ones may send only `Referer`; current ones also say
//! `Sec-Fetch-Site`, which is refused when it says another site even with no `Origin` at all.
//! Requests with none of these come from non-browser clients, which cannot ride a user's
//! cookies, and pass. A refused server function answers with its error as JSON, as every
//! answer under `/api/` does, so PayTrack's own page (behind a proxy whose address disagrees
//! with `PAYTRACK_BASE_URL`) shows why rather than "couldn't understand that request".

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::server::http::api_failure_as;
use crate::server::state::AppState;

/// The `scheme://host[:port]` part of a URL.
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(slash) => &url[..after_scheme + slash],
        None => url,
    }
}

pub async fn refuse_cross_origin(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let is_api = request.uri().path().starts_with("/api/");
    let headers = request.headers();
    // The browser's own word on where the request comes from; `same-site` is refused too
    // (a sibling subdomain is not PayTrack).
    let fetched_from = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none");
    if matches!(fetched_from, "cross-site" | "same-site") {
        tracing::warn!(site = fetched_from, path = %request.uri().path(), "cross-site request refused");
        return refused(is_api);
    }
    let claimed = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| {
            headers
                .get(header::REFERER)
                .and_then(|v| v.to_str().ok())
                .map(|referer| origin_of(referer).to_string())
        });
    match claimed {
        Some(origin) if origin != state.config.origin() => {
            tracing::warn!(%origin, path = %request.uri().path(), "cross-origin request refused");
            refused(is_api)
        }
        _ => next.run(request).await,
    }
}

fn refused(is_api: bool) -> Response {
    let message = "PayTrack refused this request because it came from another website.";
    if is_api {
        api_failure_as(
            StatusCode::FORBIDDEN,
            AppError::Rejected(message.to_string()),
        )
    } else {
        (StatusCode::FORBIDDEN, message).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::origin_of;

    #[test]
    fn origins_are_cut_from_urls() {
        assert_eq!(origin_of("https://a.example/path?x=1"), "https://a.example");
        assert_eq!(origin_of("http://127.0.0.1:3000/"), "http://127.0.0.1:3000");
        assert_eq!(origin_of("http://127.0.0.1:3000"), "http://127.0.0.1:3000");
    }
}
