//! Integration tests: the real server, in-process, against the local test database. One test
//! binary for all of them, so the dependency tree is linked once.

// Test and example code: a failed unwrap is a failed run, which is what it should be.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
// Shared with the stand-in process of the end-to-end tests; not every helper is used here.
#[allow(dead_code)]
#[path = "../stripe_stand_in/mod.rs"]
mod stripe_stand_in;

mod account_data;
mod activity;
mod auth;
mod bad_requests;
mod behind_proxy;
mod bulk;
mod business;
mod client_currency;
mod client_list;
mod clients_who_leave;
mod collected;
mod credit_note_emails;
mod credit_notes;
mod database;
mod email;
mod email_faults;
mod exports;
mod faults;
mod free_limits;
mod free_plan_chasing;
mod free_text;
mod google;
mod http;
mod identity;
mod invoice_list;
mod invoice_pdf;
mod invoices;
mod kill_loop;
mod late_payers;
mod numbering;
mod operator_endpoints;
mod owed;
mod payments_taken_off;
mod plans;
mod process;
mod promises;
mod rate_limits;
mod reductions;
mod reminder_delivery;
mod reminders;
mod replies;
mod replies_in_dev;
mod replies_killed;
mod resend_webhooks;
mod search;
mod seed_command;
mod service_period;
mod session_cache;
mod sessions;
mod static_files;
mod stripe_connect;
mod stripe_contract;
mod stripe_disconnect;
mod stripe_disputes;
mod stripe_forged_events;
mod stripe_hosted_invoices;
mod stripe_hosted_retries;
mod stripe_invoice_numbers;
mod stripe_links;
mod stripe_missed_events;
mod stripe_payments;
mod stripe_reconciliation;
mod stripe_refunds;
mod stripe_sending;
mod support_chat;
mod tenant_isolation;
mod two_servers;
mod usage;
mod write_off;
