//! Files and compression: hashed bundle files cached for a year and served precompressed,
//! public files from disk with a short cache, and pages and API answers compressed as the
//! browser accepts.

use crate::common::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashed_bundle_files_are_cached_for_a_year_and_served_precompressed() {
    let app = spawn_app().await;
    let path = "/pkg/paytrack.0123abcd.css";

    let plain = app.http.get(app.url(path)).send().await.unwrap();
    assert_eq!(plain.status(), 200);
    assert_eq!(
        plain.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(plain.text().await.unwrap(), "body{color:red}");

    let brotli = app
        .http
        .get(app.url(path))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(brotli.status(), 200);
    assert_eq!(brotli.headers()["content-encoding"], "br");
    assert_eq!(brotli.text().await.unwrap(), "precompressed-brotli");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_files_are_served_from_disk_with_a_short_cache() {
    let app = spawn_app().await;
    let res = app.http.get(app.url("/favicon.svg")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "public, max-age=3600");
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_and_api_answers_are_compressed_as_the_browser_accepts() {
    let app = spawn_app().await;
    let get = |path: &str, accept: &'static str| {
        app.http
            .get(app.url(path))
            .header("accept-encoding", accept)
            .send()
    };
    let encoding = |response: &reqwest::Response| {
        response
            .headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap().to_string())
    };
    // Dynamic answers are gzipped even when brotli is offered (see `startup`: cheaper).
    let page = get("/privacy", "gzip, br").await.unwrap();
    assert_eq!(encoding(&page).as_deref(), Some("gzip"));
    let brotli_only = get("/privacy", "br").await.unwrap();
    assert_eq!(encoding(&brotli_only), None);
    let plain = get("/privacy", "identity").await.unwrap();
    assert_eq!(encoding(&plain), None);
    assert!(plain.text().await.unwrap().contains("Privacy policy"));

    let api = app
        .http
        .post(app.url("/api/site/info"))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(encoding(&api).as_deref(), Some("gzip"));
    // Files stored precompressed are served as stored, not compressed again; files without
    // a precompressed copy are served as they are (never compressed on each request).
    let bundle = get("/pkg/paytrack.0123abcd.css", "br").await.unwrap();
    assert_eq!(encoding(&bundle).as_deref(), Some("br"));
    assert_eq!(bundle.text().await.unwrap(), "precompressed-brotli");
    let icon = get("/favicon.svg", "br").await.unwrap();
    assert_eq!(icon.status(), 200);
    assert_eq!(encoding(&icon), None);
}
