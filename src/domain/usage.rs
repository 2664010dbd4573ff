//! The product events PayTrack counts per day for its operators: counts only, never who.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UsageEvent {
    SignUp,
    ClientCreated,
    InvoiceSent,
    ReminderSent,
    InvoicePaid,
}

impl UsageEvent {
    pub const ALL: [UsageEvent; 5] = [
        UsageEvent::SignUp,
        UsageEvent::ClientCreated,
        UsageEvent::InvoiceSent,
        UsageEvent::ReminderSent,
        UsageEvent::InvoicePaid,
    ];

    pub fn key(self) -> &'static str {
        match self {
            UsageEvent::SignUp => "sign_up",
            UsageEvent::ClientCreated => "client_created",
            UsageEvent::InvoiceSent => "invoice_sent",
            UsageEvent::ReminderSent => "reminder_sent",
            UsageEvent::InvoicePaid => "invoice_paid",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            UsageEvent::SignUp => "Sign-ups",
            UsageEvent::ClientCreated => "Clients created",
            UsageEvent::InvoiceSent => "Invoices sent",
            UsageEvent::ReminderSent => "Reminders sent",
            UsageEvent::InvoicePaid => "Invoices paid",
        }
    }
}
