//! Structured logs: human-readable on a terminal, one JSON object per line otherwise (so log
//! shippers can parse them). `RUST_LOG` overrides the default level. Database errors, logged
//! under `metrics::DATABASE_ERRORS`, are also counted for `/metrics`.

use std::io::IsTerminal;

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, fmt};

use super::metrics;

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=info,mongodb=warn"));
    let registry = tracing_subscriber::registry()
        .with(filter)
        .with(CountDatabaseErrors);
    // A second initialisation (tests start several servers in one process) is harmless.
    if std::io::stdout().is_terminal() {
        let _ = registry.with(fmt::layer()).try_init();
    } else {
        let _ = registry
            .with(fmt::layer().json().flatten_event(true))
            .try_init();
    }
}

/// Counts each database error event by its `operation` and `kind` fields.
pub struct CountDatabaseErrors;

impl<S: Subscriber> Layer<S> for CountDatabaseErrors {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != metrics::DATABASE_ERRORS {
            return;
        }
        let mut fields = DatabaseErrorFields::default();
        event.record(&mut fields);
        metrics::get().db_error(&fields.operation, fields.kind == "unavailable");
    }
}

#[derive(Default)]
struct DatabaseErrorFields {
    operation: String,
    kind: String,
}

impl Visit for DatabaseErrorFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "operation" => self.operation = value.to_string(),
            "kind" => self.kind = value.to_string(),
            _ => {}
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_error_events_are_counted_from_their_fields() {
        let subscriber = tracing_subscriber::registry().with(CountDatabaseErrors);
        tracing::subscriber::with_default(subscriber, || {
            tracing::warn!(target: "paytrack::database", operation = "telemetry test op", kind = "unavailable", "x");
            tracing::error!(target: "paytrack::database", operation = "telemetry test op", kind = "failed", "y");
            tracing::error!(
                operation = "telemetry test op",
                kind = "failed",
                "another target"
            );
        });
        let text = metrics::get().render();
        for kind in ["unavailable", "failed"] {
            let series = format!(
                "paytrack_database_errors_total{{operation=\"telemetry test op\",kind=\"{kind}\"}} 1"
            );
            assert!(text.contains(&series), "{series} in {text}");
        }
    }
}
