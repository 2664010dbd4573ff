//! The Stripe stand-in as a process, for the end-to-end tests (`scripts/test` starts it):
//! `cargo run --example stripe_stand_in --features ssr -- <port>`. Integration tests run the
//! same code in-process (`tests/stripe_stand_in/`).

// Test and example code: a failed unwrap is a failed run, which is what it should be.
#![allow(clippy::unwrap_used, clippy::expect_used)]

// The integration tests use the other half (request log, object look-ups).
#[allow(dead_code)]
#[path = "../tests/stripe_stand_in/mod.rs"]
mod stripe_stand_in;

#[tokio::main]
async fn main() {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(12111);
    let base = stripe_stand_in::StripeStandIn::new().serve(port).await;
    println!("Stripe stand-in on {base}");
    tokio::signal::ctrl_c().await.ok();
}
