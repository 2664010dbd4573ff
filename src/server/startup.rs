//! From configuration to a listening server: connect and prepare the database, build the
//! router, serve until SIGTERM/SIGINT, then drain in-flight requests.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::OnceLock;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::{any, get, post};
use axum::serve::ListenerExt;
use leptos::prelude::*;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use tokio_util::task::TaskTracker;
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::trace::TraceLayer;

use super::auth;
use super::config::Config;
use super::state::AppState;
use super::{db, http, telemetry};
use crate::app::{App, shell};

/// Where the release binary finds its Leptos runtime options when cargo-leptos is not there to
/// set them (`LEPTOS_*` environment variables still override the file).
pub const LEPTOS_CONFIG_FILE: &str = "Leptos.toml";

/// A start-up failure, printed on one line (configuration problems: one line for each).
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] super::config::ConfigError),
    #[error("configuration error: {LEPTOS_CONFIG_FILE}: {0}")]
    Leptos(String),
    #[error("cannot reach the database named by MONGODB_URI: {0}")]
    Database(mongodb::error::Error),
    #[error("cannot prepare the database (collections and indexes): {0}")]
    Schema(mongodb::error::Error),
    #[error(transparent)]
    State(#[from] super::state::StateError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// The binary's entry point: reads everything from the environment and serves until a signal.
pub async fn run_from_env() -> ExitCode {
    telemetry::init();
    match start().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("paytrack: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn start() -> Result<(), StartupError> {
    let shutdown = shutdown_signal();
    let config = Config::from_env()?;
    let leptos_options = load_leptos_options()?;
    let app = Application::build(config, leptos_options).await?;
    tracing::info!(
        url = %app.state.config.base_url,
        addr = %app.local_addr,
        "PayTrack is listening"
    );
    let database = app.state.db.clone();
    app.serve(shutdown).await;
    db::close(&database).await;
    tracing::info!("PayTrack stopped");
    Ok(())
}

pub fn load_leptos_options() -> Result<LeptosOptions, StartupError> {
    leptos::config::get_configuration(Some(LEPTOS_CONFIG_FILE))
        .map(|conf| conf.leptos_options)
        .map_err(|err| StartupError::Leptos(err.to_string()))
}

/// With hashed asset names, every page reads the names from the hash file cargo-leptos writes
/// next to the binary; without it Leptos would fail on each request, so refuse to start.
fn check_hash_file(options: &LeptosOptions) -> Result<(), StartupError> {
    if !options.hash_files {
        return Ok(());
    }
    let path = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())));
    match path {
        Some(path) if path.is_file() => Ok(()),
        Some(path) => Err(StartupError::Leptos(format!(
            "hash-files is on but {} is missing: build with `cargo leptos build` and keep the hash file next to the binary",
            path.display()
        ))),
        None => Err(StartupError::Leptos(
            "hash-files is on but the binary's folder cannot be determined".to_string(),
        )),
    }
}

/// A server whose socket is bound and whose database is ready, not yet accepting requests.
pub struct Application {
    pub state: AppState,
    pub local_addr: SocketAddr,
    listener: tokio::net::TcpListener,
}

impl Application {
    pub async fn build(
        config: Config,
        leptos_options: LeptosOptions,
    ) -> Result<Self, StartupError> {
        check_hash_file(&leptos_options)?;
        let client = db::client(config.mongodb_uri.expose())
            .await
            .map_err(StartupError::Database)?;
        let database = client.database(&config.mongodb_database);
        db::ping(&database).await.map_err(StartupError::Database)?;
        db::schema::ensure(&database)
            .await
            .map_err(StartupError::Schema)?;
        super::data_migrations::run(&database)
            .await
            .map_err(StartupError::Schema)?;

        let listener = tokio::net::TcpListener::bind(config.bind_addr)
            .await
            .map_err(|source| StartupError::Bind {
                addr: config.bind_addr,
                source,
            })?;
        let local_addr = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: config.bind_addr,
            source,
        })?;

        let mut config = config;
        if config.base_url_derived {
            // Bound to port 0 (tests), the real port is known only now.
            config.base_url = format!("http://{local_addr}");
        }
        let state = AppState::assemble(config, leptos_options, database)?;
        Ok(Self {
            state,
            local_addr,
            listener,
        })
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish.
    pub async fn serve(self, shutdown: impl Future<Output = ()> + Send + 'static) {
        // Pro's prices are read now, so the first visitor to the pricing page sees them.
        self.state.pro_prices.current(&self.state.config);
        let (stop_worker, worker_stopped) = tokio::sync::oneshot::channel::<()>();
        let worker = self.state.config.email_worker_every.map(|every| {
            let engine = self.state.engine.clone();
            tokio::spawn(engine.run(every, async move {
                let _ = worker_stopped.await;
            }))
        });
        let (stop_reconcile, reconcile_stopped) = tokio::sync::oneshot::channel::<()>();
        let reconciler = self.state.config.reconcile_every.map(|every| {
            tokio::spawn(crate::server::jobs::reconcile::run(
                self.state.clone(),
                every,
                async move {
                    let _ = reconcile_stopped.await;
                },
            ))
        });
        let requests = TaskTracker::new();
        let router = router(self.state, requests.clone());
        // Without TCP_NODELAY, a response written as headers then body (ServeDir streams files)
        // waits out the client's delayed ACK: ~40 ms per static file instead of well under 1 ms.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(err) = tcp.set_nodelay(true) {
                tracing::warn!(error = %err, "could not set TCP_NODELAY");
            }
        });
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        if let Err(err) = axum::serve(listener, service)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(error = %err, "server stopped with an error");
        }
        http::run_to_end::finish(&requests).await;
        // Let a send in flight finish and be recorded before the process exits.
        let _ = stop_worker.send(());
        let _ = stop_reconcile.send(());
        if let Some(worker) = worker {
            let _ = worker.await;
        }
        if let Some(reconciler) = reconciler {
            let _ = reconciler.await;
        }
    }
}

/// The app's page routes, generated once per process. Generating them renders the app with
/// resource loading switched off by a process-wide flag (leptos_server's
/// `SuppressResourceLoad`), so generating while another router serves pages (several servers
/// in one test process) would stall those pages' resources.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The app's routes. Each request runs as a task of `requests` (see `http::run_to_end`).
pub fn router(state: AppState, requests: TaskTracker) -> Router {
    let options = state.leptos_options.clone();
    let routes = route_list();

    let not_found = {
        let render = leptos_axum::render_app_to_stream_with_context(
            {
                let state = state.clone();
                move || provide_context(state.clone())
            },
            {
                let options = options.clone();
                move || shell(options.clone())
            },
        );
        http::static_files::FileService::new(tower::service_fn(move |req: Request<Body>| {
            let render = render.clone();
            async move {
                if let Some(to) = http::trailing_slash::canonical(req.method(), req.uri()) {
                    return Ok(axum::response::IntoResponse::into_response(
                        axum::response::Redirect::permanent(&to),
                    ));
                }
                let mut res = render(req).await;
                // Anything that reaches this fallback matched no page and no file.
                if res.status() == StatusCode::OK {
                    *res.status_mut() = StatusCode::NOT_FOUND;
                }
                Ok::<_, Infallible>(res)
            }
        }))
    };

    let hsts = state.config.wants_hsts();
    let app = Router::new()
        .route("/healthz", get(http::health::healthz))
        .route("/readyz", get(http::health::readyz))
        .route("/metrics", get(http::metrics::serve))
        .route("/api/{*endpoint}", any(http::unknown_endpoint))
        .route("/auth/link", post(auth::routes::redeem_link))
        .route("/auth/sign-out", post(auth::routes::sign_out))
        .route(
            "/auth/sign-out-everywhere",
            post(auth::routes::sign_out_everywhere),
        )
        .route("/auth/google/start", get(auth::google::start))
        .route("/auth/google/callback", get(auth::google::callback))
        .route("/account/export", get(http::account::export))
        .merge(http::exports::routes())
        .merge(http::documents::routes())
        .route("/account/delete", post(http::account::delete))
        .route("/account/address", post(auth::routes::confirm_address))
        .route("/webhooks/resend", post(http::webhooks::resend))
        .route(
            "/webhooks/stripe/billing",
            post(http::billing_webhooks::billing),
        )
        .route(
            "/webhooks/stripe/connected/{hook_id}",
            post(http::stripe_webhooks::connected),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || provide_context(state.clone())
            },
            {
                let options = options.clone();
                move || shell(options.clone())
            },
        )
        .nest_service(
            &format!("/{}", options.site_pkg_dir),
            http::static_files::pkg(
                &options.site_root,
                &options.site_pkg_dir,
                options.hash_files,
            ),
        )
        .fallback_service(http::static_files::public(&options.site_root, not_found))
        // axum's own default, named so a server function's refusal can say it (the logo's
        // route sets its own, lower).
        .layer(axum::extract::DefaultBodyLimit::max(
            crate::error::MAX_REQUEST_BYTES,
        ))
        .layer(axum::middleware::from_fn(
            http::api_errors::status_from_error,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::api_gate::require_session,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::origin::refuse_cross_origin,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::client_addr::resolve_layer,
        ))
        .layer(axum::middleware::from_fn(super::metrics::track))
        .with_state(state);

    // Pages and API answers are gzipped as they go, when the browser accepts it. Static files
    // never are: a release serves them precompressed (brotli first), and compressing a
    // development build's tens of megabytes of WebAssembly on every load would stall it.
    // What is dynamic is what may not be stored (`no-store`, set by `security` inside this
    // layer); files carry their own cache lifetimes. Not brotli: on a 15 KB page it came out
    // the same size as gzip at level 4 (4,205 against 4,226 bytes) but cut a signed-in `/`
    // from 1,516 to 642 requests/s, each answer setting up brotli's large window. Nor gzip's
    // fastest level: the page came out 22% larger (5,143 bytes) at the same ~1,950 requests/s,
    // so what compressing costs here is not the level.
    let dynamic = DefaultPredicate::new().and(
        |_: StatusCode,
         _: axum::http::Version,
         headers: &axum::http::HeaderMap,
         _: &axum::http::Extensions| {
            headers
                .get(axum::http::header::CACHE_CONTROL)
                .is_some_and(|v| v.as_bytes() == b"no-store")
        },
    );
    let compression = CompressionLayer::new()
        .no_br()
        .quality(CompressionLevel::Precise(4))
        .compress_when(dynamic);
    // axum writes a 405's `Allow` as the answer leaves the router, after its layers; what
    // explains a 405 wraps the router whole to read it.
    Router::new()
        .fallback_service(http::headers::security(app, hsts))
        .layer(axum::middleware::from_fn(http::wrong_method::explain))
        .layer(compression)
        .layer(axum::middleware::from_fn_with_state(
            requests,
            http::run_to_end::layer,
        ))
        .layer(TraceLayer::new_for_http())
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM (what service managers send). The handlers are
/// installed by this call, not when the future is first polled: a SIGTERM that arrives while
/// the server is still starting (the port may already accept connections) is then a clean
/// shutdown rather than the default, abrupt termination.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let (terminate, interrupt) = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::terminate()).ok(),
            signal(SignalKind::interrupt()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let wait = |signal: Option<tokio::signal::unix::Signal>| async move {
                match signal {
                    Some(mut signal) => {
                        signal.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(terminate) => {},
                () = wait(interrupt) => {},
            }
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        tracing::info!("shutdown signal received, finishing in-flight requests");
    }
}
