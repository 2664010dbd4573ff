//! The emails a user's client receives: the invoice itself and its reminders. They carry the
//! user's name, not PayTrack's, and every value is HTML-escaped in the HTML part.

use super::templates::{Rendered, escape};
use crate::domain::date::CalendarDate;
use crate::domain::money::Money;
use crate::domain::reminder_policy::{ReminderStep, Values};
use crate::server::db::invoices::InvoiceDoc;
use crate::server::db::users::UserDoc;

/// What the emails say about one invoice.
pub struct InvoiceFacts {
    pub sender_name: String,
    pub client_name: String,
    pub number: String,
    pub amount_due: String,
    pub total: String,
    pub due_date: CalendarDate,
    pub today: CalendarDate,
    /// Where the client sees the invoice and pays it.
    pub link: String,
}

impl InvoiceFacts {
    pub fn of(user: &UserDoc, invoice: &InvoiceDoc, base_url: &str, today: CalendarDate) -> Self {
        let link = invoice
            .public_token
            .as_deref()
            .map(|token| format!("{base_url}/i/{token}"))
            .unwrap_or_else(|| base_url.to_string());
        InvoiceFacts {
            sender_name: user.name.clone(),
            client_name: invoice.bill_to.name.clone(),
            number: invoice.number.clone(),
            amount_due: Money::from_minor(invoice.due_minor, invoice.currency).to_string(),
            total: Money::from_minor(invoice.total_minor, invoice.currency).to_string(),
            due_date: invoice.due_date,
            today,
            link,
        }
    }

    fn days_overdue(&self) -> i64 {
        self.due_date.days_until(self.today).max(0)
    }

    fn due_date_text(&self) -> String {
        self.due_date.long()
    }
}

/// The email that delivers an invoice.
pub fn invoice_email(facts: &InvoiceFacts) -> Rendered {
    let subject = format!(
        "Invoice {} from {}: {} due {}",
        facts.number,
        facts.sender_name,
        facts.total,
        facts.due_date_text()
    );
    let intro = format!(
        "Hi {},\n\nHere is invoice {} for {}, due on {}. You can see it, download it and pay it online.\n\nThank you,\n{}",
        facts.client_name,
        facts.number,
        facts.total,
        facts.due_date_text(),
        facts.sender_name
    );
    let html = layout(facts, &subject, &paragraphs_html(&escape(&intro)));
    let text = format!("{intro}\n\nView and pay the invoice: {}\n", facts.link);
    Rendered {
        subject,
        html,
        text,
    }
}

/// A reminder: the user's template, with the invoice's facts and a button under it.
pub fn reminder_email(facts: &InvoiceFacts, step: &ReminderStep) -> Rendered {
    let due_date = facts.due_date_text();
    let values = Values {
        client_name: &facts.client_name,
        invoice_number: &facts.number,
        amount_due: &facts.amount_due,
        due_date: &due_date,
        days_overdue: facts.days_overdue(),
        pay_link: &facts.link,
        sender_name: &facts.sender_name,
    };
    let subject = step.subject.render_text(&values);
    let body_text = step.body.render_text(&values);
    let body_html = step.body.render_html(&values);
    let html = layout(facts, &subject, &paragraphs_html(&body_html));
    let mut text = body_text;
    if !text.contains(&facts.link) {
        text.push_str(&format!("\n\nView and pay the invoice: {}", facts.link));
    }
    text.push('\n');
    Rendered {
        subject,
        html,
        text,
    }
}

/// Blank-line separated paragraphs of already-escaped text, line breaks kept.
fn paragraphs_html(escaped: &str) -> String {
    escaped
        .replace("\r\n", "\n")
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            format!(
                r#"<p style="margin:0 0 16px;line-height:1.5">{}</p>"#,
                p.trim().replace('\n', "<br>")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The client-facing frame: the sender's name on top, the message, a summary of the invoice
/// and the button to it.
fn layout(facts: &InvoiceFacts, title: &str, message: &str) -> String {
    let row = |label: &str, value: &str| {
        format!(
            r#"<tr><td style="padding:6px 0;color:#5c5c74">{label}</td><td style="padding:6px 0;text-align:right;font-weight:600">{value}</td></tr>"#,
            value = escape(value)
        )
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{title}</title></head>
<body style="margin:0;padding:24px;background:#f7f7fb;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1b1b29">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0"><tr><td align="center">
<table role="presentation" width="100%" style="max-width:560px;background:#ffffff;border:1px solid #e2e2ec;border-radius:12px" cellspacing="0" cellpadding="24"><tr><td>
<p style="margin:0 0 20px;font-weight:700;font-size:18px">{sender}</p>
{message}
<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="margin:8px 0 24px;border-top:1px solid #e2e2ec;border-bottom:1px solid #e2e2ec">
{number}
{due}
{amount}
</table>
<p style="margin:0 0 24px"><a href="{link}" style="display:inline-block;padding:12px 22px;background:#4f46e5;color:#ffffff;border-radius:999px;text-decoration:none;font-weight:600">View and pay invoice</a></p>
<p style="margin:0;color:#5c5c74;font-size:13px">Questions about this invoice? Reply to this email to reach {sender}.</p>
</td></tr></table>
<p style="margin:16px 0 0;color:#8a8aa0;font-size:12px">Sent with PayTrack</p>
</td></tr></table>
</body></html>"#,
        title = escape(title),
        sender = escape(&facts.sender_name),
        number = row("Invoice", &facts.number),
        due = row("Due", &facts.due_date_text()),
        amount = row("Amount due", &facts.amount_due),
        link = escape(&facts.link),
    )
}

#[cfg(test)]
mod tests;
