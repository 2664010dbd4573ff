//! The emails PayTrack writes itself (sign-in and account notices). Every value that came from
//! a person is HTML-escaped before it goes into the HTML part.

pub use crate::domain::html::escape;

/// Wraps `body` (already-safe HTML) in a simple, email-client-friendly layout.
fn layout(title: &str, body: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{title}</title></head>
<body style="margin:0;padding:24px;background:#f7f7fb;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1b1b29">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0"><tr><td align="center">
<table role="presentation" width="100%" style="max-width:520px;background:#ffffff;border:1px solid #e2e2ec;border-radius:12px" cellspacing="0" cellpadding="24"><tr><td>
<p style="margin:0 0 16px;font-weight:700;font-size:18px;color:#4f46e5">PayTrack</p>
{body}
</td></tr></table>
</td></tr></table>
</body></html>"#,
        title = escape(title),
    )
}

pub struct Rendered {
    pub subject: String,
    pub html: String,
    pub text: String,
}

pub fn login_link(url: &str, valid_minutes: i64) -> Rendered {
    let subject = "Your PayTrack sign-in link".to_string();
    let body = format!(
        r#"<p style="margin:0 0 16px">Click the button to sign in to PayTrack. The link works once, for {valid_minutes} minutes.</p>
<p style="margin:0 0 24px"><a href="{url}" style="display:inline-block;padding:12px 20px;background:#4f46e5;color:#ffffff;border-radius:999px;text-decoration:none;font-weight:600">Sign in to PayTrack</a></p>
<p style="margin:0;color:#5c5c74;font-size:13px">If you didn't ask for this, ignore this email: nobody can sign in without the link.</p>"#,
        url = escape(url),
    );
    let text = format!(
        "Sign in to PayTrack:\n\n{url}\n\nThe link works once, for {valid_minutes} minutes.\nIf you didn't ask for this, ignore this email: nobody can sign in without the link.\n"
    );
    Rendered {
        html: layout(&subject, &body),
        subject,
        text,
    }
}

/// A short notice about the account's security, with a link to the account page.
pub fn security_notice(name: &str, message: &str, base_url: &str) -> Rendered {
    let subject = "PayTrack security notice".to_string();
    let account = format!("{base_url}/account");
    let body = format!(
        r#"<p style="margin:0 0 16px">Hi {name},</p>
<p style="margin:0 0 16px">{message}</p>
<p style="margin:0"><a href="{account}" style="color:#4f46e5">Review your account</a></p>"#,
        name = escape(name),
        message = escape(message),
        account = escape(&account),
    );
    let text = format!("Hi {name},\n\n{message}\n\nReview your account: {account}\n");
    Rendered {
        html: layout(&subject, &body),
        subject,
        text,
    }
}

/// The receipt sent after an account is deleted.
pub fn deletion_receipt(email: &str, deleted_at: &str, records: u64) -> Rendered {
    let subject = "Your PayTrack account was deleted".to_string();
    let body = format!(
        r#"<p style="margin:0 0 16px">Your PayTrack account <strong>{email}</strong> was deleted on {deleted_at} (UTC), as you asked.</p>
<p style="margin:0 0 16px">We removed {records} records: your profile, sessions and everything else stored under your account. All your sessions have ended.</p>
<p style="margin:0;color:#5c5c74;font-size:13px">Backups roll over within 30 days. You can sign up again at any time with the same address.</p>"#,
        email = escape(email),
        deleted_at = escape(deleted_at),
    );
    let text = format!(
        "Your PayTrack account {email} was deleted on {deleted_at} (UTC), as you asked.\n\nWe removed {records} records: your profile, sessions and everything else stored under your account. All your sessions have ended.\n\nBackups roll over within 30 days. You can sign up again at any time with the same address.\n"
    );
    Rendered {
        html: layout(&subject, &body),
        subject,
        text,
    }
}

/// To the user: a client paid an invoice through Stripe.
pub fn got_paid(
    name: &str,
    number: &str,
    client: &str,
    amount: &str,
    invoice_url: &str,
) -> Rendered {
    let subject = format!("You got paid: {amount} for {number}");
    let body = format!(
        r#"<p style="margin:0 0 16px">Hi {name},</p>
<p style="margin:0 0 16px">{client} paid {amount} for invoice {number} through Stripe. The invoice is marked paid and its reminders have stopped.</p>
<p style="margin:0"><a href="{url}" style="color:#4f46e5">Open the invoice</a></p>"#,
        name = escape(name),
        client = escape(client),
        amount = escape(amount),
        number = escape(number),
        url = escape(invoice_url),
    );
    let text = format!(
        "Hi {name},\n\n{client} paid {amount} for invoice {number} through Stripe. The invoice is marked paid and its reminders have stopped.\n\nOpen the invoice: {invoice_url}\n"
    );
    Rendered {
        html: layout(&subject, &body),
        subject,
        text,
    }
}

/// To the user, once: Stripe no longer accepts their key.
pub fn stripe_key_broken(name: &str, last4: &str, problem: &str, settings_url: &str) -> Rendered {
    let subject = "Your Stripe key stopped working".to_string();
    let body = format!(
        r#"<p style="margin:0 0 16px">Hi {name},</p>
<p style="margin:0 0 16px">Stripe refused the key ending in {last4}: {problem}</p>
<p style="margin:0 0 16px">Until you connect a working key, invoices cannot be sent with a payment link and PayTrack cannot see payments made through Stripe. Reminders keep going out.</p>
<p style="margin:0"><a href="{url}" style="color:#4f46e5">Connect a new key</a></p>"#,
        name = escape(name),
        last4 = escape(last4),
        problem = escape(problem),
        url = escape(settings_url),
    );
    let text = format!(
        "Hi {name},\n\nStripe refused the key ending in {last4}: {problem}\n\nUntil you connect a working key, invoices cannot be sent with a payment link and PayTrack cannot see payments made through Stripe. Reminders keep going out.\n\nConnect a new key: {settings_url}\n"
    );
    Rendered {
        html: layout(&subject, &body),
        subject,
        text,
    }
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
}
