//! The emails a user's client receives: the invoice itself and its reminders. They carry the
//! user's name, not PayTrack's, and every value is HTML-escaped in the HTML part.

use super::templates::{Rendered, escape};
use crate::domain::date::CalendarDate;
use crate::domain::money::Money;
use crate::domain::reminder_policy::{ReminderStep, Values};
use crate::server::db::invoices::InvoiceDoc;
use crate::server::db::users::UserDoc;

/// What the emails say about one invoice.
#[derive(Clone)]
pub struct InvoiceFacts {
    pub sender_name: String,
    /// Where the client can write to the user directly (the business's billing address, or
    /// the account's): replies to PayTrack's emails may go to PayTrack's reply address.
    pub sender_email: String,
    pub client_name: String,
    pub number: String,
    pub amount_due: String,
    pub total: String,
    pub due_date: CalendarDate,
    pub today: CalendarDate,
    /// Where the client sees the invoice (its public page).
    pub link: String,
    /// Where the client pays it in the user's Stripe, while that is open.
    pub pay_url: Option<String>,
    /// The invoice as a PDF, at the client's link.
    pub pdf_url: Option<String>,
    /// The seller's logo, on PayTrack's site.
    pub logo_url: Option<String>,
    /// The seller as the business profile names them (legal name, address, tax number), for
    /// the small print; empty without a profile.
    pub seller_lines: Vec<String>,
}

/// Who sends the invoice, as its small print says: the legal name, the address on one line,
/// and the tax number, where the business profile gives them (as it was when the invoice was
/// sent).
fn seller_lines(user: &UserDoc, invoice: &InvoiceDoc) -> Vec<String> {
    let business = match &invoice.seller {
        Some(seller) => &seller.business,
        None => match &user.business {
            Some(business) => business,
            None => return Vec::new(),
        },
    };
    let mut lines = Vec::new();
    lines.extend(business.legal_name.clone());
    let mut place: Vec<String> = business
        .address
        .iter()
        .flat_map(|a| a.lines().map(str::trim).filter(|l| !l.is_empty()))
        .map(str::to_string)
        .collect();
    place.extend(business.country.map(|c| c.name().to_string()));
    if !place.is_empty() {
        lines.push(place.join(", "));
    }
    lines.extend(business.tax_id.as_ref().map(|id| format!("Tax ID: {id}")));
    lines
}

/// The Stripe page an open invoice is paid on, if it has one that still takes payments.
pub fn pay_url(invoice: &InvoiceDoc) -> Option<String> {
    use crate::domain::stripe_pay::PayState;
    invoice
        .stripe
        .as_ref()
        .filter(|p| {
            invoice.status.is_collectable() && matches!(p.state, PayState::Open | PayState::Failed)
        })
        .map(|p| p.url.clone())
}

impl InvoiceFacts {
    pub fn of(user: &UserDoc, invoice: &InvoiceDoc, base_url: &str, today: CalendarDate) -> Self {
        let page = invoice
            .public_token
            .as_deref()
            .map(|token| format!("{base_url}/i/{token}"));
        let pdf_url = page.as_ref().map(|page| format!("{page}/pdf"));
        let link = page.unwrap_or_else(|| base_url.to_string());
        let business = match &invoice.seller {
            Some(seller) => Some(&seller.business),
            None => user.business.as_ref(),
        };
        let sender_email = business
            .and_then(|b| b.email.as_ref().map(ToString::to_string))
            .unwrap_or_else(|| user.email.clone());
        InvoiceFacts {
            sender_name: user.name.clone(),
            sender_email,
            client_name: invoice.bill_to.name.clone(),
            number: invoice.number.clone(),
            amount_due: Money::from_minor(invoice.due_minor, invoice.currency).to_string(),
            total: Money::from_minor(invoice.total_minor, invoice.currency).to_string(),
            due_date: invoice.due_date,
            today,
            link,
            pay_url: pay_url(invoice),
            pdf_url,
            logo_url: user
                .logo
                .as_ref()
                .map(|logo| format!("{base_url}{}", logo.path(user.id))),
            seller_lines: seller_lines(user, invoice),
        }
    }

    /// What `{{pay_link}}` and the button lead to: Stripe's page when the client can pay
    /// there, the invoice's page otherwise.
    fn pay_target(&self) -> &str {
        self.pay_url.as_deref().unwrap_or(&self.link)
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
    with_links(facts, subject, &intro)
}

/// A letter to the client of `intro` (plain text, escaped here), with the links to see and
/// pay the invoice and how to reach the user under it.
fn with_links(facts: &InvoiceFacts, subject: String, intro: &str) -> Rendered {
    let html = layout(
        facts,
        &subject,
        &paragraphs_html(&escape(intro)),
        &buttons_html(facts),
    );
    let text = format!(
        "{intro}\n\n{}\n\n{}\n",
        links_text(facts),
        contact_text(facts)
    );
    Rendered {
        subject,
        html,
        text,
    }
}

/// The line that tells the client how to reach the user.
fn contact_text(facts: &InvoiceFacts) -> String {
    format!(
        "Questions about this invoice? Reply to this email to reach {}, or write to {}.",
        facts.sender_name, facts.sender_email
    )
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
        pay_link: facts.pay_target(),
        sender_name: &facts.sender_name,
    };
    let subject = step.subject.render_text(&values);
    let body_text = step.body.render_text(&values);
    let body_html = step.body.render_html(&values);
    let html = layout(
        facts,
        &subject,
        &paragraphs_html(&body_html),
        &buttons_html(facts),
    );
    let mut text = body_text;
    if !text.contains(facts.pay_target()) {
        text.push_str(&format!("\n\n{}", links_text(facts)));
    }
    text.push_str(&format!("\n\n{}\n", contact_text(facts)));
    Rendered {
        subject,
        html,
        text,
    }
}

/// The reminder after a client's promise to pay by `day` passed unpaid: it reminds them of
/// their own word rather than of the due date.
pub fn missed_promise_email(facts: &InvoiceFacts, day: CalendarDate) -> Rendered {
    let subject = format!(
        "Invoice {}: you planned to pay on {}",
        facts.number,
        day.long()
    );
    let intro = format!(
        "Hi {},\n\nYou planned to pay invoice {} ({} due) on {}, and the payment has not arrived yet. If it is on its way, thank you: there is nothing more to do. If something came up, you can pay it online now, or reply to tell {} when it will be paid.\n\nThank you,\n{}",
        facts.client_name,
        facts.number,
        facts.amount_due,
        day.long(),
        facts.sender_name,
        facts.sender_name
    );
    with_links(facts, subject, &intro)
}

/// To the client: their payment arrived. `facts` are of the paid invoice; `paid` is what they
/// paid, formatted.
pub fn receipt_email(facts: &InvoiceFacts, paid: &str, paid_on: CalendarDate) -> Rendered {
    let subject = format!(
        "Receipt: invoice {} from {} is paid",
        facts.number, facts.sender_name
    );
    let intro = format!(
        "Hi {},\n\nThank you: your payment of {paid} for invoice {} was received on {}. Nothing more is owed on this invoice.\n\nYou can keep the invoice page as your receipt.\n\n{}",
        facts.client_name,
        facts.number,
        paid_on.long(),
        facts.sender_name
    );
    // `facts` are of the paid invoice: nothing is due and there is nothing left to pay.
    let html = layout(
        facts,
        &subject,
        &paragraphs_html(&escape(&intro)),
        &button(&facts.link, "View the invoice"),
    );
    let text = format!("{intro}\n\nThe invoice: {}\n", facts.link);
    Rendered {
        subject,
        html,
        text,
    }
}

/// The links under a text email: pay (when Stripe takes it), view, and the PDF.
fn links_text(facts: &InvoiceFacts) -> String {
    let mut links = match &facts.pay_url {
        Some(pay) => format!(
            "Pay {} now: {pay}\nView the invoice: {}",
            facts.amount_due, facts.link
        ),
        None => format!("View and pay the invoice: {}", facts.link),
    };
    if let Some(pdf) = &facts.pdf_url {
        links.push_str(&format!("\nDownload it as a PDF: {pdf}"));
    }
    links
}

/// The button (or buttons) under an HTML email.
fn buttons_html(facts: &InvoiceFacts) -> String {
    match &facts.pay_url {
        Some(pay) => format!(
            r#"<a href="{pay}" style="{BUTTON}">Pay {amount} now</a> <a href="{link}" style="display:inline-block;padding:12px 8px;color:#4f46e5">View the invoice</a>"#,
            pay = escape(pay),
            amount = escape(&facts.amount_due),
            link = escape(&facts.link),
        ),
        None => button(&facts.link, "View and pay invoice"),
    }
}

const BUTTON: &str = "display:inline-block;padding:12px 22px;background:#4f46e5;color:#ffffff;border-radius:999px;text-decoration:none;font-weight:600";

fn button(href: &str, label: &str) -> String {
    format!(
        r#"<a href="{href}" style="{BUTTON}">{label}</a>"#,
        href = escape(href),
        label = escape(label)
    )
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
fn layout(facts: &InvoiceFacts, title: &str, message: &str, buttons: &str) -> String {
    let summary = [
        ("Invoice", facts.number.clone()),
        ("Due", facts.due_date_text()),
        ("Amount due", facts.amount_due.clone()),
    ];
    layout_with(facts, title, message, buttons, &summary)
}

/// `layout` with its own summary rows (label, value).
fn layout_with(
    facts: &InvoiceFacts,
    title: &str,
    message: &str,
    buttons: &str,
    summary: &[(&str, String)],
) -> String {
    let row = |label: &str, value: &str| {
        format!(
            r#"<tr><td style="padding:6px 0;color:#5c5c74">{label}</td><td style="padding:6px 0;text-align:right;font-weight:600">{value}</td></tr>"#,
            value = escape(value)
        )
    };
    let logo = facts.logo_url.as_ref().map_or_else(String::new, |url| {
        format!(
            r#"<img src="{}" alt="" style="display:block;max-width:160px;max-height:60px;margin:0 0 12px">"#,
            escape(url)
        )
    });
    let small_print = if facts.seller_lines.is_empty() {
        String::new()
    } else {
        format!(
            r#"
<p style="margin:16px 0 0;color:#8a8aa0;font-size:12px">{}</p>"#,
            facts
                .seller_lines
                .iter()
                .map(|line| escape(line))
                .collect::<Vec<_>>()
                .join("<br>")
        )
    };
    let inner = format!(
        r#"{logo}<p style="margin:0 0 20px;font-weight:700;font-size:18px">{sender}</p>
{message}
<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="margin:8px 0 24px;border-top:1px solid #e2e2ec;border-bottom:1px solid #e2e2ec">
{rows}
</table>{buttons}{pdf}
<p style="margin:0;color:#5c5c74;font-size:13px">Questions about this invoice? Reply to this email to reach {sender}, or write to {email}.</p>{small_print}"#,
        sender = escape(&facts.sender_name),
        email = escape(&facts.sender_email),
        buttons = if buttons.is_empty() {
            String::new()
        } else {
            format!(
                r#"
<p style="margin:0 0 24px">{buttons}</p>"#
            )
        },
        pdf = facts.pdf_url.as_ref().map_or_else(String::new, |pdf| format!(
            r#"
<p style="margin:0 0 24px"><a href="{}" style="color:#4f46e5">Download the invoice as a PDF</a></p>"#,
            escape(pdf)
        )),
        rows = summary
            .iter()
            .map(|(label, value)| row(label, value))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let below = r#"
<p style="margin:16px 0 0;color:#8a8aa0;font-size:12px">Sent with PayTrack</p>"#;
    super::templates::document(title, 560, &inner, below)
}

mod credit_note;
pub use credit_note::credit_note_email;

#[cfg(test)]
mod tests;
