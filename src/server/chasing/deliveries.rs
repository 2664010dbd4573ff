//! What Resend reports about an email PayTrack sent for an invoice: noted on the invoice's email
//! log; a bounce or a spam complaint also marks that invoice's client as undeliverable and holds
//! the invoice's reminders, so PayTrack stops writing to an address that refuses mail.
//!
//! An event is about one email, found by Resend's id. One that matches no email PayTrack sent
//! for an invoice (a login link, or an id it never gave) changes nothing, and one user's bounce
//! never touches another user's clients, whoever else has the address.

use mongodb::bson::DateTime;

use crate::domain::pause::PauseReason;
use crate::server::db::{clients, email_jobs, invoices};
use crate::server::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Delivered,
    Bounced,
    Complained,
}

impl Delivery {
    /// The delivery a Resend event type reports; `None` for events PayTrack does not act on.
    pub fn of_event(kind: &str) -> Option<Delivery> {
        match kind {
            "email.delivered" => Some(Delivery::Delivered),
            "email.bounced" => Some(Delivery::Bounced),
            "email.complained" => Some(Delivery::Complained),
            _ => None,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Delivery::Delivered => "delivered",
            Delivery::Bounced => "bounced",
            Delivery::Complained => "complained",
        }
    }
}

/// Records `delivery` of the email Resend knows as `email_id`, sent to `to`.
pub async fn note(
    state: &AppState,
    delivery: Delivery,
    email_id: Option<&str>,
    to: &[String],
    now: DateTime,
) -> Result<(), mongodb::error::Error> {
    let kind = delivery.code();
    let Some(email_id) = email_id else {
        tracing::info!(kind, "delivery event without an email id; nothing changed");
        return Ok(());
    };
    let Some(job) = email_jobs::set_delivery(&state.db, email_id, kind).await? else {
        tracing::info!(
            kind,
            email_id,
            "delivery event for no invoice email; nothing changed"
        );
        return Ok(());
    };
    if delivery == Delivery::Delivered {
        return Ok(());
    }
    if let Some(invoice) = invoices::get(&state.db, job.user_id, job.invoice_id).await? {
        let reported = to.iter().chain(&job.to).map(|a| a.trim().to_lowercase());
        for address in reported {
            let marked = clients::mark_email_problem(
                &state.db,
                job.user_id,
                invoice.client_id,
                &address,
                kind,
                now,
            )
            .await?;
            if marked {
                break;
            }
        }
    }
    hold_reminders(state, &job, now).await
}

async fn hold_reminders(
    state: &AppState,
    job: &email_jobs::EmailJobDoc,
    now: DateTime,
) -> Result<(), mongodb::error::Error> {
    let held = invoices::pause_reminders(
        &state.db,
        job.user_id,
        job.invoice_id,
        PauseReason::Bounced,
        now,
    )
    .await?;
    if held.is_some() {
        let reminders = email_jobs::Cancel::Reminders;
        email_jobs::cancel_scheduled(&state.db, job.invoice_id, reminders, "bounced").await?;
        tracing::info!(invoice = %job.invoice_id, "reminders held after a failed delivery");
    }
    Ok(())
}
