#![recursion_limit = "256"]
//! PayTrack: invoicing and automatic payment chasing for freelancers.
//!
//! One crate, two builds: feature `ssr` is the server (axum + leptos_axum, MongoDB) and feature
//! `hydrate` is the WebAssembly client that hydrates the server-rendered pages.

pub mod api;
pub mod app;
pub mod browser_json;
pub mod domain;
pub mod error;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    #[cfg(feature = "split")]
    wasm_bindgen_futures::spawn_local(async {
        ui::pages::later::load_for_this_page().await;
        leptos::mount::hydrate_body(app::App);
    });
    #[cfg(not(feature = "split"))]
    leptos::mount::hydrate_body(app::App);
}
