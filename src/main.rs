#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    paytrack::server::startup::run_from_env().await
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser bundle starts in `paytrack::hydrate`; this binary only exists with `ssr`.
}
