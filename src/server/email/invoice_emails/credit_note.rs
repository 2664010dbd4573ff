//! To the client who received an invoice that was then voided or reduced: what changed, and
//! the credit note that says so, attached.

use super::{InvoiceFacts, contact_text, escape, layout_with, paragraphs_html};
use crate::domain::credit_note::CreditNoteView;
use crate::server::email::templates::Rendered;

/// `facts` are of the invoice after the credit note (a voided one: nothing due, no link).
pub fn credit_note_email(facts: &InvoiceFacts, note: &CreditNoteView) -> Rendered {
    let (subject, intro, summary) = match &note.reduces {
        None => (
            format!(
                "Credit note {} from {}: invoice {} is cancelled",
                note.number, facts.sender_name, facts.number
            ),
            format!(
                "Hi {},\n\nInvoice {} for {} is cancelled: nothing is owed on it. The credit note attached, {}, cancels it in full; please keep it with the invoice in your records.\n\nThank you,\n{}",
                facts.client_name, facts.number, facts.total, note.number, facts.sender_name
            ),
            vec![
                ("Credit note", note.number.clone()),
                ("Cancels invoice", facts.number.clone()),
                ("Amount credited", facts.total.clone()),
            ],
        ),
        Some(reduces) => {
            let left = if reduces.owed_after.minor() == 0 {
                "Nothing is left to pay on it.".to_string()
            } else {
                format!("Left to pay on it: {}.", reduces.owed_after)
            };
            (
                format!(
                    "Credit note {} from {}: invoice {} is reduced by {}",
                    note.number, facts.sender_name, facts.number, reduces.amount
                ),
                format!(
                    "Hi {},\n\nInvoice {} is reduced by {} ({}). {left} The credit note attached, {}, says so; please keep it with the invoice in your records.\n\nThank you,\n{}",
                    facts.client_name,
                    facts.number,
                    reduces.amount,
                    reduces.reason,
                    note.number,
                    facts.sender_name
                ),
                vec![
                    ("Credit note", note.number.clone()),
                    ("Reduces invoice", facts.number.clone()),
                    ("Amount credited", reduces.amount.to_string()),
                    ("Left to pay", reduces.owed_after.to_string()),
                ],
            )
        }
    };
    let summary: Vec<(&str, String)> = summary;
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
