//! The emails of each invoice: one document per (invoice, step), which is both the job that
//! sends it and the log of what became of it.
//!
//! A job is `scheduled` with a due time, `claimed` by one engine for a lease, then `sent`,
//! `skipped` (with a reason), `failed` (with the provider's message) or `cancelled` (paused,
//! paid or voided before its time; it can be scheduled again). The unique index on
//! `(invoice_id, step)` is what makes a second email for the same step impossible, whatever
//! number of engines run: a step has one document, and only its claimant may record it.
//!
//! Split by what each part does; callers use `db::email_jobs::…` for all of them.

mod claims;
mod lookups;
mod model;
mod outcomes;
mod schedule;

pub use claims::*;
pub use lookups::*;
pub use model::*;
pub use outcomes::*;
pub use schedule::*;
