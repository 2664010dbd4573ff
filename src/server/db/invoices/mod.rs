//! Invoices. Every function takes the owner's id and puts it in the filter, so an id from
//! another account finds nothing and changes nothing. State changes are conditional updates
//! ("set paid only if it is still open with this much paid"), so two tabs or two servers
//! acting at once cannot both succeed.
//!
//! Split by what each part does; callers use `db::invoices::…` for all of them.

mod credit_note_doc;
mod credit_note_emails;
mod dispute_doc;
mod holds;
mod invoice_email;
mod list;
mod listed;
mod model;
mod number_windows;
mod payments;
mod promises;
mod read_first;
mod reducing;
mod reports;
mod search;
mod stripe;
mod voiding;
mod writes;

pub use credit_note_doc::{CreditNoteDoc, ReductionDoc};
pub use credit_note_emails::*;
pub use dispute_doc::DisputeDoc;
pub use holds::*;
pub use invoice_email::*;
pub use list::*;
pub use listed::*;
pub use model::*;
pub use payments::*;
pub use promises::*;
pub use reducing::*;
pub use reports::*;
pub use search::keep_pieces_of_older;
pub use stripe::*;
pub use voiding::*;
pub use writes::*;
