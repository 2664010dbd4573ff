//! The emails PayTrack writes itself (sign-in and account notices). Each is a `Letter`: its
//! paragraphs and links are written once and rendered as both the HTML and the plain-text part,
//! so the two never say different things. Every value is HTML-escaped in the HTML part.

pub use crate::domain::html::escape;

/// The outer frame every PayTrack email shares: `inner` (already-safe HTML) in a card of at
/// most `width` pixels with `below` under it, which email clients render without style sheets.
pub fn document(title: &str, width: u32, inner: &str, below: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{title}</title></head>
<body style="margin:0;padding:24px;background:#f7f7fb;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1b1b29">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0"><tr><td align="center">
{inner}{below}
</td></tr></table>
</body></html>"#,
        title = escape(title),
        inner = card(width, inner),
    )
}

fn card(width: u32, inner: &str) -> String {
    format!(
        r#"<table role="presentation" width="100%" style="max-width:{width}px;background:#ffffff;border:1px solid #e2e2ec;border-radius:12px" cellspacing="0" cellpadding="24"><tr><td>
{inner}
</td></tr></table>"#
    )
}

pub struct Rendered {
    pub subject: String,
    pub html: String,
    pub text: String,
}

enum Part {
    Paragraph(String),
    /// Someone else's words, set apart and kept as written (line breaks too).
    Quote(String),
    Link {
        label: String,
        url: String,
    },
    Button {
        label: String,
        url: String,
    },
    FinePrint(String),
}

/// An email from PayTrack, built paragraph by paragraph.
struct Letter {
    subject: String,
    parts: Vec<Part>,
}

impl Letter {
    fn new(subject: impl Into<String>) -> Self {
        Letter {
            subject: subject.into(),
            parts: Vec::new(),
        }
    }

    fn greeting(self, name: &str) -> Self {
        self.paragraph(format!("Hi {name},"))
    }

    fn paragraph(mut self, text: impl Into<String>) -> Self {
        self.parts.push(Part::Paragraph(text.into()));
        self
    }

    fn quote(mut self, text: String) -> Self {
        self.parts.push(Part::Quote(text));
        self
    }

    fn link(mut self, label: &str, url: &str) -> Self {
        self.parts.push(Part::Link {
            label: label.to_string(),
            url: url.to_string(),
        });
        self
    }

    fn button(mut self, label: &str, url: &str) -> Self {
        self.parts.push(Part::Button {
            label: label.to_string(),
            url: url.to_string(),
        });
        self
    }

    fn fine_print(mut self, text: impl Into<String>) -> Self {
        self.parts.push(Part::FinePrint(text.into()));
        self
    }

    fn render(self) -> Rendered {
        let html: String = self.parts.iter().map(html_of).collect();
        let text: Vec<String> = self.parts.iter().map(text_of).collect();
        let inner = format!(
            r#"<p style="margin:0 0 16px;font-weight:700;font-size:18px;color:#4f46e5">PayTrack</p>
{html}"#
        );
        Rendered {
            html: document(&self.subject, 520, &inner, ""),
            text: text.join("\n\n") + "\n",
            subject: self.subject,
        }
    }
}

fn html_of(part: &Part) -> String {
    const P: &str = r#"<p style="margin:0 0 16px">"#;
    match part {
        Part::Paragraph(text) => format!("{P}{}</p>\n", escape(text)),
        Part::Quote(text) => format!(
            r#"<blockquote style="margin:0 0 16px;padding:8px 16px;border-left:3px solid #c7c7d9;white-space:pre-wrap">{}</blockquote>
"#,
            escape(text)
        ),
        Part::Link { label, url } => format!(
            r#"{P}<a href="{}" style="color:#4f46e5">{}</a></p>
"#,
            escape(url),
            escape(label)
        ),
        Part::Button { label, url } => format!(
            r#"<p style="margin:0 0 24px"><a href="{}" style="display:inline-block;padding:12px 20px;background:#4f46e5;color:#ffffff;border-radius:999px;text-decoration:none;font-weight:600">{}</a></p>
"#,
            escape(url),
            escape(label)
        ),
        Part::FinePrint(text) => format!(
            r#"<p style="margin:0;color:#5c5c74;font-size:13px">{}</p>
"#,
            escape(text)
        ),
    }
}

fn text_of(part: &Part) -> String {
    match part {
        Part::Paragraph(text) | Part::FinePrint(text) => text.clone(),
        Part::Quote(text) => text
            .lines()
            .map(|l| format!("> {l}"))
            .collect::<Vec<_>>()
            .join("\n"),
        Part::Link { label, url } | Part::Button { label, url } => format!("{label}: {url}"),
    }
}

pub fn login_link(url: &str, valid_minutes: i64) -> Rendered {
    Letter::new("Your PayTrack sign-in link")
        .paragraph(format!(
            "Click the button to sign in to PayTrack. The link works once, for {valid_minutes} minutes."
        ))
        .button("Sign in to PayTrack", url)
        .fine_print("If you didn't ask for this, ignore this email: nobody can sign in without the link.")
        .render()
}

/// The link that confirms a new sign-in address, sent to that address.
pub fn confirm_address(url: &str, new_address: &str, valid_minutes: i64) -> Rendered {
    Letter::new("Confirm your new PayTrack sign-in address")
        .paragraph(format!(
            "Someone signed in to PayTrack asked to sign in as {new_address} from now on. Click the button to confirm; the link works once, for {valid_minutes} minutes."
        ))
        .button("Confirm this address", url)
        .fine_print("If you didn't ask for this, ignore this email: nothing changes without the link.")
        .render()
}

/// A short notice about the account's security, with a link to the account page.
pub fn security_notice(name: &str, message: &str, base_url: &str) -> Rendered {
    Letter::new("PayTrack security notice")
        .greeting(name)
        .paragraph(message)
        .link("Review your account", &format!("{base_url}/account"))
        .render()
}

/// The receipt sent after an account is deleted.
pub fn deletion_receipt(email: &str, deleted_at: &str, records: u64) -> Rendered {
    Letter::new("Your PayTrack account was deleted")
        .paragraph(format!(
            "Your PayTrack account {email} was deleted on {deleted_at} (UTC), as you asked."
        ))
        .paragraph(format!(
            "We removed {records} records: your profile, sessions and everything else stored under your account. All your sessions have ended."
        ))
        .fine_print("Backups roll over within 30 days. You can sign up again at any time with the same address.")
        .render()
}

/// To the user: their client wrote back to an invoice email. Replying to this email answers
/// the client (it is sent with the client as reply-to).
pub fn client_replied(
    name: &str,
    client: &str,
    number: &str,
    text: &str,
    held: bool,
    invoice_url: &str,
) -> Rendered {
    const LONGEST: usize = 20_000;
    let mut said: String = text.trim().chars().take(LONGEST).collect();
    if text.trim().chars().count() > LONGEST {
        said.push_str(" […]");
    }
    let mut letter = Letter::new(format!("{client} replied about invoice {number}"))
        .greeting(name)
        .paragraph(format!("{client} wrote back about invoice {number}:"))
        .quote(if said.is_empty() {
            "(no text)".to_string()
        } else {
            said
        });
    letter = if held {
        letter.paragraph("Reminders for this invoice are on hold until you resume them or snooze them to a date, on the invoice's page.")
    } else {
        letter
    };
    letter
        .link("Open the invoice", invoice_url)
        .fine_print(format!("Reply to this email to answer {client} directly."))
        .render()
}

/// To the user: their client promised, on the invoice's page, to pay by `day`.
pub fn client_promised(
    name: &str,
    client: &str,
    number: &str,
    day: &str,
    resumes: &str,
    invoice_url: &str,
) -> Rendered {
    Letter::new(format!("{client} plans to pay {number} by {day}"))
        .greeting(name)
        .paragraph(format!(
            "{client} said on the invoice's page that they will pay invoice {number} by {day}."
        ))
        .paragraph(format!(
            "Reminders wait until {resumes}. If the payment has not arrived by then, the next reminder tells them the day passed. You can clear the promise on the invoice's page to chase as before."
        ))
        .link("Open the invoice", invoice_url)
        .render()
}

/// To the user: a client paid an invoice through Stripe.
pub fn got_paid(
    name: &str,
    number: &str,
    client: &str,
    amount: &str,
    invoice_url: &str,
) -> Rendered {
    Letter::new(format!("You got paid: {amount} for {number}"))
        .greeting(name)
        .paragraph(format!(
            "{client} paid {amount} for invoice {number} through Stripe. The invoice is marked paid and its reminders have stopped."
        ))
        .link("Open the invoice", invoice_url)
        .render()
}

/// To the user, once per payment: money arrived through Stripe for an invoice that was
/// already paid or voided.
pub fn paid_twice(
    name: &str,
    number: &str,
    client: &str,
    amount: &str,
    why: &str,
    invoice_url: &str,
) -> Rendered {
    Letter::new(format!("Paid twice: refund {amount} for {number}"))
        .greeting(name)
        .paragraph(format!(
            "{client} paid {amount} for invoice {number} through Stripe, but the invoice {why}. PayTrack has not counted this payment."
        ))
        .paragraph("Refund it from your Stripe dashboard (Payments → the payment → Refund), or tell your client it will count towards a later invoice.")
        .link("Open the invoice", invoice_url)
        .render()
}

/// To the user, once: Stripe no longer accepts their key.
pub fn stripe_key_broken(name: &str, last4: &str, problem: &str, settings_url: &str) -> Rendered {
    Letter::new("Your Stripe key stopped working")
        .greeting(name)
        .paragraph(format!("Stripe refused the key ending in {last4}: {problem}"))
        .paragraph("Until you connect a working key, invoices cannot be sent with a payment link and PayTrack cannot see payments made through Stripe. Reminders keep going out.")
        .link("Connect a new key", settings_url)
        .render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_neutralises_markup() {
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn the_login_email_carries_the_link_in_both_parts() {
        let url = "https://paytrack.example.com/auth/link?token=abc&x=1";
        let email = login_link(url, 15);
        assert!(email.text.contains(url));
        assert!(email.html.contains("token=abc&amp;x=1"));
        assert!(email.text.contains("15 minutes"));
    }

    #[test]
    fn a_letter_says_the_same_in_both_parts_and_escapes_what_people_typed() {
        let email = got_paid(
            "Ada <script>",
            "INV-0007",
            "Globex & Co",
            "€12.00",
            "https://x/i?a=1&b=2",
        );
        assert_eq!(email.subject, "You got paid: €12.00 for INV-0007");
        assert!(
            email
                .text
                .starts_with("Hi Ada <script>,\n\nGlobex & Co paid €12.00")
        );
        assert!(
            email
                .text
                .ends_with("Open the invoice: https://x/i?a=1&b=2\n")
        );
        assert!(email.html.contains("Hi Ada &lt;script&gt;,"));
        assert!(email.html.contains("Globex &amp; Co paid"));
        assert!(email.html.contains(r#"href="https://x/i?a=1&amp;b=2""#));
        assert!(!email.html.contains("<script>"));
        assert!(
            email
                .html
                .contains("<title>You got paid: €12.00 for INV-0007</title>")
        );
    }

    #[test]
    fn a_forwarded_reply_quotes_the_client_as_written_and_escaped() {
        let said = "Paying <b>Friday</b>.\nSorry & thanks";
        let held = client_replied("Ada", "Zoë", "INV-0001", said, true, "https://x/invoices/1");
        assert_eq!(held.subject, "Zoë replied about invoice INV-0001");
        assert!(
            held.text
                .contains("> Paying <b>Friday</b>.\n> Sorry & thanks")
        );
        assert!(
            held.html
                .contains("Paying &lt;b&gt;Friday&lt;/b&gt;.\nSorry &amp; thanks")
        );
        assert!(held.text.contains("on hold"));
        assert!(held.text.contains("Open the invoice: https://x/invoices/1"));
        let not_held = client_replied("Ada", "Zoë", "INV-0001", "", false, "https://x");
        assert!(!not_held.text.contains("on hold"));
        assert!(not_held.text.contains("> (no text)"));
    }
}
