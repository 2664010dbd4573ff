#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    // `paytrack` serves; `paytrack help` lists the operator's commands.
    let args: Vec<String> = std::env::args().skip(1).collect();
    paytrack::server::commands::run(&args).await
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser bundle starts in `paytrack::hydrate`; this binary only exists with `ssr`.
}
