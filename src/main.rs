#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        // `paytrack seed …` fills an account with demo data; anything else serves.
        Some("seed") => paytrack::server::seed::run(&args[1..]).await,
        // `paytrack send-due` runs one pass of the email engine and exits.
        Some("send-due") => paytrack::server::jobs::command::run(&args[1..]).await,
        // `paytrack reconcile` asks Stripe about open payments once and exits.
        Some("reconcile") => paytrack::server::jobs::reconcile::command(&args[1..]).await,
        // `paytrack reseal-keys` re-encrypts stored Stripe secrets under a new master key.
        Some("reseal-keys") => paytrack::server::stripe::reseal::run(&args[1..]).await,
        _ => paytrack::server::startup::run_from_env().await,
    }
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser bundle starts in `paytrack::hydrate`; this binary only exists with `ssr`.
}
