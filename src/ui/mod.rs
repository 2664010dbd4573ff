//! Everything the user sees: one file per page under `pages/`, shared pieces under
//! `components/`.

pub mod actions;
pub mod browser;
pub mod components;
pub mod debounce;
pub mod pages;
pub mod session;
pub mod url;
