//! Integration tests: the real server, in-process, against the local test database. One test
//! binary for all of them, so the dependency tree is linked once.

mod common;

mod account_data;
mod auth;
mod database;
mod email;
mod google;
mod http;
mod invoices;
mod process;
mod reminders;
mod resend_webhooks;
mod stripe_contract;
mod tenant_isolation;
