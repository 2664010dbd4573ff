//! How PayTrack chases an unpaid invoice: steps at offsets from the due date, each with a
//! subject and body template. Templates are checked when the user saves them (an unknown
//! variable is an error then, not a blank in a client's inbox later), and rendering escapes
//! values for HTML.

use serde::{Deserialize, Serialize};

use super::date::CalendarDate;
use super::text::{self, Shape};

/// The variables a template may use, with what each stands for (shown in the editor).
pub const VARIABLES: [(&str, &str); 7] = [
    ("client_name", "the client's name"),
    ("invoice_number", "the invoice number, e.g. INV-0042"),
    ("amount_due", "what is still owed, with its currency"),
    ("due_date", "the due date"),
    ("days_overdue", "days since the due date (0 before it)"),
    ("pay_link", "the link to the invoice and its pay button"),
    ("sender_name", "your name"),
];

const MAX_STEPS: usize = 10;
/// Reminders go out from two weeks before the due date to a year after it.
const OFFSETS: std::ops::RangeInclusive<i32> = -14..=365;

/// A template split into literal text and variables, known to use only `VARIABLES`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    source: String,
}

/// Values for one rendering.
pub struct Values<'a> {
    pub client_name: &'a str,
    pub invoice_number: &'a str,
    pub amount_due: &'a str,
    pub due_date: &'a str,
    pub days_overdue: i64,
    pub pay_link: &'a str,
    pub sender_name: &'a str,
}

enum Piece<'a> {
    Text(&'a str),
    Variable(&'a str),
}

/// Splits `source` into text and `{{ name }}` variables, or says what is wrong.
fn pieces(source: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut pieces = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find("{{") {
        pieces.push(Piece::Text(&rest[..start]));
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| "A “{{” is never closed with “}}”.".to_string())?;
        let name = after[..end].trim();
        if !VARIABLES.iter().any(|(known, _)| *known == name) {
            let known: Vec<String> = VARIABLES
                .iter()
                .map(|(n, _)| format!("{{{{{n}}}}}"))
                .collect();
            return Err(format!(
                "“{{{{{name}}}}}” is not a variable PayTrack knows. Use one of: {}.",
                known.join(", ")
            ));
        }
        pieces.push(Piece::Variable(name));
        rest = &after[end + 2..];
    }
    if rest.contains("}}") {
        return Err("A “}}” has no “{{” before it.".to_string());
    }
    pieces.push(Piece::Text(rest));
    Ok(pieces)
}

impl Template {
    /// `label` names the field in a message about a character it may not hold.
    pub fn parse(
        source: &str,
        max_chars: usize,
        shape: Shape,
        label: &str,
    ) -> Result<Self, String> {
        let source = text::clean(source, shape, label)?;
        if source.is_empty() {
            return Err("Write something here.".to_string());
        }
        if source.chars().count() > max_chars {
            return Err(format!("Keep this under {max_chars} characters."));
        }
        pieces(&source)?;
        Ok(Template { source })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    fn render_with(&self, values: &Values<'_>, escape: fn(&str) -> String) -> String {
        let mut out = String::with_capacity(self.source.len() + 64);
        // Parsed when constructed, so the split cannot fail here.
        for piece in pieces(&self.source).unwrap_or_default() {
            match piece {
                // The user's own text is written as they typed it (for HTML, escaped too).
                Piece::Text(text) => out.push_str(&escape(text)),
                Piece::Variable(name) => {
                    let value = match name {
                        "client_name" => values.client_name.to_string(),
                        "invoice_number" => values.invoice_number.to_string(),
                        "amount_due" => values.amount_due.to_string(),
                        "due_date" => values.due_date.to_string(),
                        "days_overdue" => values.days_overdue.max(0).to_string(),
                        "pay_link" => values.pay_link.to_string(),
                        _ => values.sender_name.to_string(),
                    };
                    out.push_str(&escape(&value));
                }
            }
        }
        out
    }

    /// For a plain-text part or a subject line.
    pub fn render_text(&self, values: &Values<'_>) -> String {
        self.render_with(values, str::to_string)
    }

    /// For an HTML part: every character of text and values is escaped.
    pub fn render_html(&self, values: &Values<'_>) -> String {
        self.render_with(values, super::html::escape)
    }
}

/// One reminder: when, relative to the due date, and what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderStep {
    /// Days from the due date: −3 is three days before, 7 is a week after.
    pub offset_days: i32,
    pub subject: Template,
    pub body: Template,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderPolicy {
    /// Ordered by offset, no two on the same day.
    steps: Vec<ReminderStep>,
}

/// The form's text for one step.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepInput {
    pub offset_days: String,
    pub subject: String,
    pub body: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepErrors {
    pub offset_days: Option<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
}

impl StepErrors {
    fn is_empty(&self) -> bool {
        *self == StepErrors::default()
    }
}

/// Messages for a policy: about the list as a whole, and per step.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyErrors {
    pub steps: Option<String>,
    pub each: Vec<StepErrors>,
}

impl ReminderPolicy {
    pub fn parse(inputs: &[StepInput]) -> Result<Self, Box<PolicyErrors>> {
        let mut errors = PolicyErrors::default();
        if inputs.is_empty() {
            errors.steps =
                Some("Keep at least one reminder, or switch reminders off per client.".to_string());
        } else if inputs.len() > MAX_STEPS {
            errors.steps = Some(format!("Up to {MAX_STEPS} reminders per policy."));
        }
        let mut steps = Vec::new();
        for input in inputs {
            let mut step_errors = StepErrors::default();
            let offset = match input.offset_days.trim().parse::<i32>() {
                Ok(days) if OFFSETS.contains(&days) => Some(days),
                _ => {
                    step_errors.offset_days = Some(format!(
                        "Enter whole days from the due date, from {} to {} (negative is before it).",
                        OFFSETS.start(),
                        OFFSETS.end()
                    ));
                    None
                }
            };
            let subject = Template::parse(&input.subject, 200, Shape::OneLine, "subject")
                .map_err(|m| step_errors.subject = Some(m))
                .ok();
            let body = Template::parse(&input.body, 5000, Shape::Lines, "message")
                .map_err(|m| step_errors.body = Some(m))
                .ok();
            if let (Some(offset_days), Some(subject), Some(body)) = (offset, subject, body) {
                if steps
                    .iter()
                    .any(|s: &ReminderStep| s.offset_days == offset_days)
                {
                    step_errors.offset_days =
                        Some("Another reminder is already on that day.".to_string());
                } else {
                    steps.push(ReminderStep {
                        offset_days,
                        subject,
                        body,
                    });
                }
            }
            errors.each.push(step_errors);
        }
        if errors.steps.is_some() || errors.each.iter().any(|e| !e.is_empty()) {
            return Err(Box::new(errors));
        }
        steps.sort_by_key(|s| s.offset_days);
        Ok(ReminderPolicy { steps })
    }

    pub fn steps(&self) -> &[ReminderStep] {
        &self.steps
    }

    /// The first `n` steps (at least one): what a plan that allows `n` reminders chases with.
    pub fn first(&self, n: usize) -> ReminderPolicy {
        ReminderPolicy {
            steps: self.steps.iter().take(n.max(1)).cloned().collect(),
        }
    }

    /// The local date each step falls on for an invoice due on `due`.
    pub fn dates(&self, due: CalendarDate) -> Vec<(usize, CalendarDate)> {
        self.steps
            .iter()
            .enumerate()
            .filter_map(|(index, step)| {
                due.add_days(i64::from(step.offset_days))
                    .ok()
                    .map(|date| (index, date))
            })
            .collect()
    }
}

impl Default for ReminderPolicy {
    /// Three days before, on the day, and 3, 7 and 14 days after: firmer as it goes.
    fn default() -> Self {
        let step = |offset: i32, subject: &str, body: &str| StepInput {
            offset_days: offset.to_string(),
            subject: subject.to_string(),
            body: body.to_string(),
        };
        let inputs = [
            step(
                -3,
                "Invoice {{invoice_number}} is due on {{due_date}}",
                "Hi {{client_name}},\n\nA friendly note that invoice {{invoice_number}} for {{amount_due}} is due on {{due_date}}. You can see it and pay here: {{pay_link}}\n\nThank you,\n{{sender_name}}",
            ),
            step(
                0,
                "Invoice {{invoice_number}} is due today",
                "Hi {{client_name}},\n\nInvoice {{invoice_number}} for {{amount_due}} is due today. You can pay it here: {{pay_link}}\n\nThank you,\n{{sender_name}}",
            ),
            step(
                3,
                "Invoice {{invoice_number}} is overdue",
                "Hi {{client_name}},\n\nInvoice {{invoice_number}} for {{amount_due}} was due on {{due_date}} and is now {{days_overdue}} days overdue. Could you pay it here? {{pay_link}}\n\nThanks,\n{{sender_name}}",
            ),
            step(
                7,
                "Reminder: invoice {{invoice_number}} is {{days_overdue}} days overdue",
                "Hi {{client_name}},\n\nI haven't received payment for invoice {{invoice_number}} ({{amount_due}}), due on {{due_date}}. Please pay it here: {{pay_link}} — or reply if something is holding it up.\n\n{{sender_name}}",
            ),
            step(
                14,
                "Final reminder: invoice {{invoice_number}}",
                "Hi {{client_name}},\n\nInvoice {{invoice_number}} for {{amount_due}} is now {{days_overdue}} days overdue. Please settle it this week: {{pay_link}}\n\n{{sender_name}}",
            ),
        ];
        // The defaults are written above and checked by a test, so this parse cannot fail.
        ReminderPolicy::parse(&inputs).unwrap_or(ReminderPolicy { steps: Vec::new() })
    }
}

#[cfg(test)]
mod tests;
