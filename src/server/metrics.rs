//! What an operator graphs and alerts on, served at `GET /metrics` (`http::metrics`) in the
//! Prometheus text format (OpenMetrics) to whoever presents `PAYTRACK_METRICS_TOKEN`. One set per
//! process, as Prometheus expects one scrape target per instance: requests and their latency per
//! route, requests in progress and those whose client left before the answer, the email engine's
//! passes and what became of each email, batch sizes, reconciliation, webhook outcomes, and
//! database errors.

use std::sync::LazyLock;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// The target database errors are logged under; the telemetry layer counts them here (the
/// database code knows only the domain and the driver, not the metrics).
pub const DATABASE_ERRORS: &str = "paytrack::database";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    /// The route as registered (`/invoices/{id}`), never the raw path: one series per route.
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct WebhookLabels {
    pub route: String,
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct DbErrorLabels {
    pub operation: String,
    /// `unavailable` (try again: a timeout, a step-down) or `failed` (a fault of ours).
    pub kind: &'static str,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub request_seconds: HistogramFamily<RouteLabels>,
    pub requests_in_progress: Gauge,
    pub requests_abandoned: Counter,
    pub engine_passes: Counter,
    pub engine_emails: Family<OutcomeLabels, Counter>,
    pub batch_size: Histogram,
    pub reconcile_passes: Counter,
    pub reconcile_invoices: Family<OutcomeLabels, Counter>,
    pub webhooks: Family<WebhookLabels, Counter>,
    pub db_errors: Family<DbErrorLabels, Counter>,
}

fn latency_histogram() -> Histogram {
    // 1 ms to ~16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Metrics {
    fn new() -> Self {
        let mut registry = Registry::with_prefix("paytrack");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route and status",
            requests.clone(),
        );
        let request_seconds: HistogramFamily<RouteLabels> =
            Family::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route",
            request_seconds.clone(),
        );
        // A request runs to its end when its client leaves (`http::run_to_end`): these two
        // show whether such work piles up, as it would while the database stops answering.
        let requests_in_progress = Gauge::default();
        registry.register(
            "http_requests_in_progress",
            "HTTP requests being worked on, those whose client has left included",
            requests_in_progress.clone(),
        );
        let requests_abandoned = Counter::default();
        registry.register(
            "http_requests_abandoned",
            "HTTP requests whose client left before the answer (their work ran on)",
            requests_abandoned.clone(),
        );
        let engine_passes = Counter::default();
        registry.register(
            "engine_passes",
            "Passes of the email engine over the emails due",
            engine_passes.clone(),
        );
        let engine_emails = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "engine_emails",
            "Emails the engine claimed, and what became of them (sent, failed, deferred, skipped, lost)",
            engine_emails.clone(),
        );
        let batch_size = Histogram::new(exponential_buckets(1.0, 2.0, 8));
        registry.register(
            "engine_batch_size",
            "Emails per request to Resend's batch endpoint",
            batch_size.clone(),
        );
        let reconcile_passes = Counter::default();
        registry.register(
            "reconcile_passes",
            "Passes of the reconciliation with users' Stripe accounts",
            reconcile_passes.clone(),
        );
        let reconcile_invoices = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "reconcile_invoices",
            "Invoices reconciliation looked at (checked), found paid, changed, or put off (deferred)",
            reconcile_invoices.clone(),
        );
        let webhooks = Family::<WebhookLabels, Counter>::default();
        registry.register(
            "webhooks",
            "Webhook deliveries (Stripe, Resend) by route and outcome",
            webhooks.clone(),
        );
        let db_errors = Family::<DbErrorLabels, Counter>::default();
        registry.register(
            "database_errors",
            "Database errors met by an operation, unavailable (retryable) or failed",
            db_errors.clone(),
        );
        Metrics {
            registry,
            requests,
            request_seconds,
            requests_in_progress,
            requests_abandoned,
            engine_passes,
            engine_emails,
            batch_size,
            reconcile_passes,
            reconcile_invoices,
            webhooks,
            db_errors,
        }
    }

    /// Adds `count` emails with `outcome` (none is written for zero: series appear when used).
    pub fn emails(&self, outcome: &'static str, count: usize) {
        if count > 0 {
            self.engine_emails
                .get_or_create(&OutcomeLabels { outcome })
                .inc_by(count as u64);
        }
    }

    /// Adds `count` invoices with `outcome` to reconciliation's counts.
    pub fn reconciled(&self, outcome: &'static str, count: u32) {
        if count > 0 {
            self.reconcile_invoices
                .get_or_create(&OutcomeLabels { outcome })
                .inc_by(u64::from(count));
        }
    }

    pub fn db_error(&self, operation: &str, unavailable: bool) {
        let kind = if unavailable { "unavailable" } else { "failed" };
        let operation = operation.to_string();
        self.db_errors
            .get_or_create(&DbErrorLabels { operation, kind })
            .inc();
    }

    /// Everything, in the text format.
    pub fn render(&self) -> String {
        let mut text = String::new();
        if let Err(err) = prometheus_client::encoding::text::encode(&mut text, &self.registry) {
            tracing::error!(error = %err, "encoding the metrics");
        }
        text
    }
}

static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

/// This process's metrics.
pub fn get() -> &'static Metrics {
    &METRICS
}

/// What a webhook handler concluded, put on its response for the metrics layer to count.
#[derive(Clone, Copy, Debug)]
pub struct WebhookOutcome(pub &'static str);

/// Counts every request by route and status, and times it.
pub async fn track(request: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = request.method().as_str().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let response = next.run(request).await;
    let metrics = get();
    if let Some(WebhookOutcome(outcome)) = response.extensions().get::<WebhookOutcome>() {
        metrics
            .webhooks
            .get_or_create(&WebhookLabels {
                route: route.clone(),
                outcome,
            })
            .inc();
    }
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route: route.clone(),
            status: response.status().as_u16(),
        })
        .inc();
    metrics
        .request_seconds
        .get_or_create(&RouteLabels { route })
        .observe(started.elapsed().as_secs_f64());
    response
}

#[cfg(test)]
mod tests {
    use super::Metrics;

    #[test]
    fn database_errors_are_counted_by_operation_and_kind() {
        let metrics = Metrics::new();
        metrics.db_error("reading invoices", true);
        metrics.db_error("reading invoices", true);
        metrics.db_error("saving a client", false);
        let text = metrics.render();
        assert!(
            text.contains(
                "paytrack_database_errors_total{operation=\"reading invoices\",kind=\"unavailable\"} 2"
            ),
            "{text}"
        );
        assert!(text.contains(
            "paytrack_database_errors_total{operation=\"saving a client\",kind=\"failed\"} 1"
        ));
        assert!(text.ends_with("# EOF\n"));
    }
}
