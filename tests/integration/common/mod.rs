//! Starts the real PayTrack server for a test: a random port, a database of its own in the
//! local test server (`PAYTRACK_TEST_MONGODB_URI`, set by `scripts/test`), dropped afterwards.

#![allow(dead_code)] // each test binary uses its own subset of these helpers

pub mod billing;
pub mod chasing;
mod own_database;
pub mod pdf;
pub mod rate_window;
pub mod resend;
pub mod sheets;
pub mod sign_in;

pub use own_database::{OwnDatabase, allow_all, refuse, refuse_after, refuse_times, refuse_with};

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mongodb::bson::oid::ObjectId;
use mongodb::{Client, Database};
use paytrack::server::config::Config;
use paytrack::server::startup::{Application, load_leptos_options};

pub const CONTACT_EMAIL: &str = "privacy@test.paytrack.test";

pub fn test_mongodb_uri() -> String {
    std::env::var("PAYTRACK_TEST_MONGODB_URI")
        .expect("PAYTRACK_TEST_MONGODB_URI is not set: run the tests through scripts/test")
}

/// A page's markup without the comments Leptos leaves for hydration (`<!>` between the parts of
/// a view, more of them where component types are erased): what the browser's DOM reads.
pub fn markup(html: &str) -> String {
    html.replace("<!>", "")
}

pub fn unique_name(prefix: &str) -> String {
    format!("{prefix}_{}", ObjectId::new().to_hex())
}

fn random_master_key() -> String {
    use base64::Engine as _;
    let mut key = [0_u8; 32];
    getrandom::fill(&mut key).expect("randomness for a master key");
    base64::engine::general_purpose::STANDARD.encode(key)
}

/// Configuration as the server would read it from `vars`, plus what every test needs.
pub fn config_with(uri: &str, database: &str, extra: &[(&str, &str)]) -> Config {
    let mut vars: Vec<(String, String)> = vec![
        ("MONGODB_URI".into(), uri.into()),
        ("MONGODB_DATABASE".into(), database.into()),
        ("PAYTRACK_BIND_ADDR".into(), "127.0.0.1:0".into()),
        ("PAYTRACK_CONTACT_EMAIL".into(), CONTACT_EMAIL.into()),
        // Tests drive the email engine themselves, with their own clock.
        ("PAYTRACK_EMAIL_WORKER_SECONDS".into(), "off".into()),
        ("PAYTRACK_RECONCILE_SECONDS".into(), "off".into()),
        // Users' Stripe keys are sealed under it; a new one for every test app.
        ("PAYTRACK_MASTER_KEY".into(), random_master_key()),
    ];
    vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Config::from_lookup(|name| {
        Ok(vars
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone()))
    })
    .expect("test configuration is valid")
}

pub struct TestApp {
    pub address: String,
    pub db: Database,
    /// The server's own state, for tests that run its jobs (reconciliation) directly.
    pub state: paytrack::server::state::AppState,
    pub http: reqwest::Client,
    pub site_root: PathBuf,
    pub uri: String,
    server: tokio::task::JoinHandle<()>,
}

/// A site root with a hashed bundle file (and its brotli twin) and a public file, so the
/// static-file routes have something to serve.
fn fake_site_root(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(name);
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg).expect("create site root");
    std::fs::write(pkg.join("paytrack.0123abcd.css"), "body{color:red}").expect("write css");
    std::fs::write(pkg.join("paytrack.0123abcd.css.br"), "precompressed-brotli")
        .expect("write css.br");
    std::fs::write(
        root.join("favicon.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .expect("write favicon");
    root
}

pub async fn spawn_app() -> TestApp {
    spawn_app_on(&test_mongodb_uri()).await
}

/// The hash file cargo-leptos writes next to the server binary; the test binary is the server
/// here, so it gets one naming the fake bundle above.
fn write_hash_file() {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe.parent().expect("test binary folder");
    // Tests run in parallel and pages read this file: replace it atomically, never truncate it.
    let staging = dir.join(unique_name("hash.txt"));
    std::fs::write(&staging, "js: 0123abcd\nwasm: 0123abcd\ncss: 0123abcd\n")
        .expect("write hash file");
    std::fs::rename(&staging, dir.join("hash.txt")).expect("install hash file");
}

/// Leptos options as the binary reads them, with the hash file it expects in place.
pub fn leptos_options() -> leptos::prelude::LeptosOptions {
    write_hash_file();
    load_leptos_options().expect("Leptos.toml is valid")
}

pub async fn spawn_app_on(uri: &str) -> TestApp {
    spawn_app_with(uri, &[]).await
}

/// A server with extra configuration variables, e.g. an email provider stand-in.
pub async fn spawn_app_with(uri: &str, extra: &[(&str, &str)]) -> TestApp {
    let name = unique_name("test");
    let config = config_with(uri, &name, extra);
    let mut options = leptos_options();
    let site_root = fake_site_root(&name);
    options.site_root = site_root.to_string_lossy().into_owned().into();
    let app = Application::build(config, options)
        .await
        .expect("the app starts");
    let address = format!("http://{}", app.local_addr);
    let db = app.state.db.clone();
    let state = app.state.clone();
    let server = tokio::spawn(app.serve(std::future::pending()));
    TestApp {
        address,
        db,
        state,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client"),
        site_root,
        uri: uri.to_string(),
        server,
    }
}

impl TestApp {
    /// The stored user with this sign-in address (it must exist).
    pub async fn user_document(&self, email: &str) -> mongodb::bson::Document {
        self.db
            .collection::<mongodb::bson::Document>("users")
            .find_one(mongodb::bson::doc! { "email": email })
            .await
            .unwrap()
            .unwrap()
    }

    /// How many of `collection`'s documents match `filter`.
    pub async fn count(&self, collection: &str, filter: mongodb::bson::Document) -> u64 {
        self.db
            .collection::<mongodb::bson::Document>(collection)
            .count_documents(filter)
            .await
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// The body of `GET path`.
    pub async fn get_text(&self, path: &str) -> String {
        self.http
            .get(self.url(path))
            .send()
            .await
            .expect("request reaches the server")
            .text()
            .await
            .expect("a text body")
    }

    /// Calls a server function the way the browser does (URL-encoded POST).
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(self.url(endpoint))
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .expect("request reaches the server")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
        let _ = std::fs::remove_dir_all(&self.site_root);
        // Dropping needs a runtime; the test's own may be shutting down, so use a fresh one.
        let uri = self.uri.clone();
        let name = self.db.name().to_string();
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                if let Ok(client) = Client::with_uri_str(&uri).await {
                    let _ = client.database(&name).drop().await;
                }
            });
        })
        .join();
    }
}

/// A real PayTrack server process on `port` against the test app's database, answering as if
/// it were at the test app's address; its email engine and reconciliation are off (`extra`
/// can turn them on or add configuration).
pub fn server_process(app: &TestApp, port: u16, extra: &[(&str, &str)]) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_paytrack"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "error")
        .env("MONGODB_URI", test_mongodb_uri())
        .env("MONGODB_DATABASE", app.db.name())
        .env("PAYTRACK_BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("PAYTRACK_BASE_URL", &app.address)
        .env("PAYTRACK_CONTACT_EMAIL", CONTACT_EMAIL)
        .env("PAYTRACK_EMAIL_WORKER_SECONDS", "off")
        .env("PAYTRACK_RECONCILE_SECONDS", "off")
        // No bundle is built for this binary; pages are not what these tests are about.
        .env("LEPTOS_HASH_FILES", "false")
        .envs(extra.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let child = command.spawn().expect("the server binary starts");
    wait_for(Duration::from_secs(30), || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    child
}

/// Forgets that migration `name` ran on the test app's database, then starts a server on it
/// (which runs it again, as the first start after an upgrade would) and stops that server.
pub async fn rerun_migration(app: &TestApp, name: &str) {
    app.db
        .collection::<mongodb::bson::Document>("migrations")
        .delete_one(mongodb::bson::doc! { "_id": name })
        .await
        .unwrap();
    let config = config_with(&app.uri, app.db.name(), &[]);
    drop(
        Application::build(config, leptos_options())
            .await
            .expect("starts"),
    );
}

/// Waits until a change written straight to the database (standing in for another server,
/// or for time passing) is seen by every server's session cache.
pub async fn seen_by_every_server() {
    tokio::time::sleep(paytrack::server::auth::session_cache::STALE_AT_MOST).await;
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub fn wait_for(limit: Duration, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < limit, "gave up waiting after {limit:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// What `user` owes per currency and due date as kept (`db::owed`) and as the open invoices
/// add up to, each sorted: the two must be equal. Panics when a client's kept days
/// (`db::client_owed`) are not what their open invoices add up to.
pub async fn owed_kept_and_summed(
    db: &Database,
    user: mongodb::bson::oid::ObjectId,
) -> (
    Vec<paytrack::domain::aging::OwedOn>,
    Vec<paytrack::domain::aging::OwedOn>,
) {
    use paytrack::server::db::owed;
    let order = |d: &paytrack::domain::aging::OwedOn| (d.currency, d.due);
    let mut kept = owed::of_user(db, user).await.expect("the kept days");
    let mut session = db.client().start_session().await.expect("a session");
    let mut summed = owed::sum_of_invoices(db, &mut session, user)
        .await
        .expect("the invoices' sums");
    kept.sort_by_key(order);
    summed.sort_by_key(order);
    // Each client's days (`db::client_owed`) are moved by the same writes: they must equal the
    // invoices' sums per client too.
    use paytrack::server::db::client_owed;
    let by_client = |d: &(
        mongodb::bson::oid::ObjectId,
        paytrack::domain::aging::OwedOn,
    )| { (d.0, d.1.currency, d.1.due) };
    let mut clients_kept = client_owed::of_clients(db, user, None)
        .await
        .expect("the clients' days");
    let mut clients_summed = client_owed::sum_of_invoices(db, &mut session, user)
        .await
        .expect("the invoices' sums per client");
    clients_kept.sort_by_key(by_client);
    clients_summed.sort_by_key(by_client);
    assert_eq!(
        clients_kept, clients_summed,
        "each client's kept days are what their open invoices add up to"
    );
    (kept, summed)
}
