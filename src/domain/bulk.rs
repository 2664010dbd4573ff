//! Acting on several invoices at once: what can be done, and what came of it.

use serde::{Deserialize, Serialize};

use crate::domain::invoice::invoices_counted;

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

impl BulkAction {
    /// What the list says while it acts on `count` invoices.
    pub fn working(self, count: usize) -> String {
        let count = invoices_counted(u32::try_from(count).unwrap_or(u32::MAX));
        match self {
            BulkAction::Send => format!("Sending {count}…"),
            BulkAction::Void => format!("Voiding {count}…"),
        }
    }
}

impl BulkOutcome {
    /// What the list says once `action` is done.
    pub fn says(&self, action: BulkAction) -> String {
        let done = match (action, self.done) {
            (BulkAction::Send, 0) => "Sent no invoice.".to_string(),
            (BulkAction::Send, n) => format!(
                "Sent {}; {} on {} way.",
                invoices_counted(n),
                if n == 1 {
                    "its email is"
                } else {
                    "their emails are"
                },
                if n == 1 { "its" } else { "their" },
            ),
            (BulkAction::Void, 0) => "Voided no invoice.".to_string(),
            (BulkAction::Void, n) => format!("Voided {}.", invoices_counted(n)),
        };
        if self.skipped.is_empty() {
            return done;
        }
        format!(
            "{done} Skipped {}: {}",
            self.skipped.len(),
            self.skipped.join("; ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_says_what_it_is_doing_meanwhile() {
        assert_eq!(BulkAction::Send.working(3), "Sending 3 invoices…");
        assert_eq!(BulkAction::Void.working(1), "Voiding 1 invoice…");
    }

    #[test]
    fn the_outcome_says_what_was_done_and_why_the_rest_was_skipped() {
        let sent = BulkOutcome {
            done: 3,
            skipped: Vec::new(),
        };
        assert_eq!(
            sent.says(BulkAction::Send),
            "Sent 3 invoices; their emails are on their way."
        );
        let one = BulkOutcome {
            done: 1,
            skipped: vec!["INV-0002: This invoice was already sent.".to_string()],
        };
        assert_eq!(
            one.says(BulkAction::Send),
            "Sent 1 invoice; its email is on its way. Skipped 1: INV-0002: This invoice was already sent."
        );
        let none = BulkOutcome {
            done: 0,
            skipped: vec!["a".to_string(), "b".to_string()],
        };
        assert_eq!(
            none.says(BulkAction::Send),
            "Sent no invoice. Skipped 2: a; b"
        );
        let voided = BulkOutcome {
            done: 2,
            skipped: Vec::new(),
        };
        assert_eq!(voided.says(BulkAction::Void), "Voided 2 invoices.");
        assert_eq!(
            none.says(BulkAction::Void),
            "Voided no invoice. Skipped 2: a; b"
        );
    }
}
