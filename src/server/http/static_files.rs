//! Static files straight from disk with `ServeDir`, never through the Leptos renderer:
//! `/pkg` (the WASM, JS and CSS cargo-leptos builds, content-hashed, so cached for a year) and
//! the files copied from `public/` (cached for an hour). Brotli and gzip variants written by
//! `cargo leptos build --release --precompress` are served to browsers that accept them.

use std::convert::Infallible;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
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
    let root = Path::new(site_root).join(pkg_dir);
    let dir = ServeDir::new(&root).precompressed_br().precompressed_gzip();
    let missing = BoxCloneSyncService::new(tower::service_fn(|_: Request<Body>| async {
        Ok::<_, Infallible>(axum::response::IntoResponse::into_response(
            StatusCode::NOT_FOUND,
        ))
    }));
    only_nameable(
        root,
        with_cache_control(dir, if hashed { IMMUTABLE } else { REVALIDATE }),
        missing,
    )
}

/// Serves `<site_root>` (favicon, robots.txt, …) and hands anything it cannot find to
/// `not_found`, which renders the app's 404 page.
pub fn public(site_root: &str, not_found: FileService) -> FileService {
    let dir = ServeDir::new(site_root)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        .fallback(not_found.clone());
    only_nameable(site_root.into(), with_cache_control(dir, SHORT), not_found)
}

/// The longest file name and path Linux takes (NAME_MAX, PATH_MAX less its NUL).
const NAME_MAX: usize = 255;
const PATH_MAX: usize = 4095;

/// Hands `missing` any address no file under `root` could have. Asked for such a name, the file
/// system fails with "file name too long", which `ServeDir` answers with an empty 500 and an
/// error in the log: anyone could fill the log and the error rate with made-up addresses.
fn only_nameable(root: PathBuf, files: FileService, missing: FileService) -> FileService {
    BoxCloneSyncService::new(tower::service_fn(move |req: Request<Body>| {
        let service = if names_a_possible_file(&root, req.uri().path()) {
            files.clone()
        } else {
            missing.clone()
        };
        service.oneshot(req)
    }))
}

fn names_a_possible_file(root: &Path, uri_path: &str) -> bool {
    let mut path_len = root.as_os_str().len();
    for segment in uri_path.split('/') {
        let len = decoded_len(segment);
        if len > NAME_MAX {
            return false;
        }
        path_len += 1 + len;
    }
    path_len <= PATH_MAX
}

/// A segment's length once its `%XX` escapes are decoded (each is one byte on disk).
fn decoded_len(segment: &str) -> usize {
    let escapes = segment
        .as_bytes()
        .windows(3)
        .filter(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
        .count();
    segment.len() - 2 * escapes
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_count_as_the_byte_they_stand_for() {
        assert_eq!(decoded_len("favicon.svg"), 11);
        assert_eq!(decoded_len("a%20b"), 3);
        assert_eq!(decoded_len("%6E%6e"), 2);
        // Not escapes: a lone percent sign and one without two hex digits.
        assert_eq!(decoded_len("100%"), 4);
        assert_eq!(decoded_len("%zz%4"), 5);
    }

    #[test]
    fn names_longer_than_the_file_system_takes_name_no_file() {
        let root = Path::new("/srv/site");
        assert!(names_a_possible_file(root, "/favicon.svg"));
        assert!(names_a_possible_file(
            root,
            &format!("/{}", "n".repeat(255))
        ));
        assert!(!names_a_possible_file(
            root,
            &format!("/{}", "n".repeat(256))
        ));
        assert!(!names_a_possible_file(
            root,
            &format!("/{}", "%6E".repeat(256))
        ));
        let deep = format!("/{}", vec!["d".repeat(200); 20].join("/"));
        assert!(names_a_possible_file(root, &deep));
        assert!(!names_a_possible_file(
            root,
            &format!("{deep}/{}", "d".repeat(200))
        ));
    }
}
