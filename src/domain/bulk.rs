//! Acting on several invoices at once: what can be done, and what came of it.

use serde::{Deserialize, Serialize};

/// What a bulk request does to each invoice. Anything else is refused when the request is
/// read, before any invoice is touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BulkAction {
    Send,
    Void,
}

/// What a bulk action did: how many invoices it changed, and why it skipped the others.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkOutcome {
    pub done: u32,
    pub skipped: Vec<String>,
}
