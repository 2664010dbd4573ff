//! Work that happens on a schedule rather than on a request: the email engine (invoice emails
//! and reminders), its clock and its planning.

pub mod batches;
pub mod books;
pub mod clock;
pub mod command;
pub mod engine;
pub mod plan;
