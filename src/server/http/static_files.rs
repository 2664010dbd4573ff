//! Static files straight from disk with `ServeDir`, never through the Leptos renderer:
//! `/pkg` (the WASM, JS and CSS cargo-leptos builds, content-hashed, so cached for a year) and
//! the files copied from `public/` (cached for an hour). Brotli and gzip variants written by
//! `cargo leptos build --release --precompress` are served to browsers that accept them.

use std::convert::Infallible;
use std::path::Path;

use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, header};
use tower::ServiceExt;
use tower::util::BoxCloneSyncService;
use tower_http::services::ServeDir;

pub type FileService = BoxCloneSyncService<Request<Body>, Response<Body>, Infallible>;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const SHORT: &str = "public, max-age=3600";
const REVALIDATE: &str = "no-cache";

/// Serves the bundle under `<site_root>/<pkg_dir>`. Hashed names change with their content, so
/// they may be cached forever; without hashing the browser must revalidate.
pub fn pkg(site_root: &str, pkg_dir: &str, hashed: bool) -> FileService {
    let dir = ServeDir::new(Path::new(site_root).join(pkg_dir))
        .precompressed_br()
        .precompressed_gzip();
    with_cache_control(dir, if hashed { IMMUTABLE } else { REVALIDATE })
}

/// Serves `<site_root>` (favicon, robots.txt, …) and hands anything it cannot find to
/// `not_found`, which renders the app's 404 page.
pub fn public(site_root: &str, not_found: FileService) -> FileService {
    let dir = ServeDir::new(site_root)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        .fallback(not_found);
    with_cache_control(dir, SHORT)
}

fn with_cache_control<S>(service: S, value: &'static str) -> FileService
where
    S: tower::Service<Request<Body>, Error = Infallible> + Clone + Send + Sync + 'static,
    S::Response: axum::response::IntoResponse,
    S::Future: Send + 'static,
{
    let service = service.map_response(move |res| {
        let mut res = axum::response::IntoResponse::into_response(res);
        // Only files found on disk are cacheable; 404 pages and errors must not be.
        if res.status().is_success() || res.status().as_u16() == 304 {
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
        }
        res
    });
    BoxCloneSyncService::new(service)
}
