//! Everything that only exists on the server: configuration, the database, HTTP plumbing and
//! start-up. Compiled with feature `ssr` only, so none of it reaches the browser bundle.

pub mod accounts;
pub mod auth;
pub mod chasing;
pub mod clients;
pub mod commands;
pub mod config;
pub mod cpu;
pub mod crypto;
pub mod data_migrations;
pub mod db;
pub mod dev_outbox;
pub mod digest;
pub mod email;
pub mod exports;
pub mod http;
pub mod imports;
pub mod invoicing;
pub mod jobs;
pub mod limits;
pub mod metrics;
pub mod pay_habits;
pub mod payments;
pub mod pdf;
pub mod pro_prices;
pub mod reports;
pub mod secret;
pub mod seed;
pub mod startup;
pub mod state;
pub mod stripe;
pub mod stripe_account;
pub mod subscription;
pub mod telemetry;
pub mod usage_report;
