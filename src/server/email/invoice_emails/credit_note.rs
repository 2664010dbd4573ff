//! To the client who received an invoice that was then voided: it is cancelled, and the
//! credit note that says so comes attached.

use super::{InvoiceFacts, contact_text, escape, layout_with, paragraphs_html};
use crate::domain::credit_note::CreditNoteView;
use crate::server::email::templates::Rendered;

/// `facts` are of the voided invoice (nothing due, no link: the client's page is closed).
pub fn credit_note_email(facts: &InvoiceFacts, note: &CreditNoteView) -> Rendered {
    let subject = format!(
        "Credit note {} from {}: invoice {} is cancelled",
        note.number, facts.sender_name, facts.number
    );
    let intro = format!(
        "Hi {},\n\nInvoice {} for {} is cancelled: nothing is owed on it. The credit note attached, {}, cancels it in full; please keep it with the invoice in your records.\n\nThank you,\n{}",
        facts.client_name, facts.number, facts.total, note.number, facts.sender_name
    );
    let summary = [
        ("Credit note", note.number.clone()),
        ("Cancels invoice", facts.number.clone()),
        ("Amount credited", facts.total.clone()),
    ];
    let html = layout_with(
        facts,
        &subject,
        &paragraphs_html(&escape(&intro)),
        "",
        &summary,
    );
    let text = format!("{intro}\n\n{}\n", contact_text(facts));
    Rendered {
        subject,
        html,
        text,
    }
}
