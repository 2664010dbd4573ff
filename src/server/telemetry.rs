//! Structured logs: human-readable on a terminal, one JSON object per line otherwise (so log
//! shippers can parse them). `RUST_LOG` overrides the default level.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=info,mongodb=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    // A second initialisation (tests start several servers in one process) is harmless.
    if std::io::stdout().is_terminal() {
        let _ = builder.try_init();
    } else {
        let _ = builder.json().flatten_event(true).try_init();
    }
}
