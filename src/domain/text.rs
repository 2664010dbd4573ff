//! Free text as users type it into a form (names, addresses, notes, descriptions): trimmed,
//! bounded, and without control characters. Those have no place on an invoice, and past the
//! form they break what PayTrack writes: a line break in a name splits an email's subject, a
//! NUL or an escape shows as a box in a PDF and confuses the spreadsheet opening an export.
//! Nor do the invisible characters that reorder the text around them: an invoice is a legal
//! document, and with one a line can read "€100" on the page while it says "€001" (U+202E).

/// Whether a field keeps line breaks (an address, notes) or is one line (a name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    OneLine,
    Lines,
}

/// The text as saved: tabs as spaces, line breaks as `\n`, trimmed; or a
/// sentence naming the `label` when it holds a line break in one line, another control
/// character or one that [`reorders`]. The length is not checked here (see [`optional`]).
pub fn clean(text: &str, shape: Shape, label: &str) -> Result<String, String> {
    let text = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', " ");
    let text = text.trim();
    for c in text.chars().filter(|c| c.is_control()) {
        if c == '\n' && shape == Shape::OneLine {
            return Err(format!("Keep the {label} on one line."));
        }
        if c != '\n' {
            return Err(format!(
                "Remove the invisible control character (U+{:04X}) from the {label}.",
                u32::from(c)
            ));
        }
    }
    if let Some(c) = text.chars().find(|&c| reorders(c)) {
        return Err(reordering_refused(c, label));
    }
    Ok(text.to_string())
}

/// Whether `c` is a bidirectional embedding, override or isolate: invisible, it shows the
/// text after it in another order than the order it is stored, printed and searched in
/// (CVE-2021-42574 did it to source code). The marks U+200E, U+200F and U+061C pass: they
/// only settle which way the one spot beside them runs, which mixed Arabic or Hebrew and
/// Latin text needs.
pub fn reorders(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// What a field holding `c` (one that [`reorders`]) says, naming the field by `label`.
pub fn reordering_refused(c: char, label: &str) -> String {
    format!(
        "Remove the invisible text-direction character (U+{:04X}) from the {label}: it shows \
         the text in another order than it is saved.",
        u32::from(c)
    )
}

/// One line of at most `max` characters from text no one typed into a PayTrack form (the name
/// on a Google profile): what [`clean`] would refuse is dropped, line breaks and tabs become
/// spaces, since there is nobody to ask to change it. Empty when nothing is left.
pub fn tidied(text: &str, max: usize) -> String {
    let kept: String = text
        .trim()
        .chars()
        .map(|c| {
            if matches!(c, '\t' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .filter(|&c| !c.is_control() && !reorders(c))
        .take(max)
        .collect();
    kept.trim().to_string()
}

/// Cleaned text, `None` when empty, or a message when it is longer than `max` characters or
/// holds a character [`clean`] refuses.
pub fn optional(
    text: &str,
    max: usize,
    shape: Shape,
    label: &str,
) -> Result<Option<String>, String> {
    let text = clean(text, shape, label)?;
    if text.chars().count() > max {
        return Err(format!("Keep the {label} under {max} characters."));
    }
    Ok((!text.is_empty()).then_some(text))
}

/// [`optional`] for a field that must be filled: `when_empty` says what to write there.
pub fn required(
    text: &str,
    max: usize,
    shape: Shape,
    label: &str,
    when_empty: &str,
) -> Result<String, String> {
    optional(text, max, shape, label)?.ok_or_else(|| when_empty.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_is_trimmed_with_tabs_as_spaces() {
        assert_eq!(
            clean("  Acme\tLtd \n", Shape::OneLine, "name"),
            Ok("Acme Ltd".to_string())
        );
    }

    #[test]
    fn one_line_refuses_a_line_break_inside() {
        assert_eq!(
            clean("Acme\nBcc: everyone", Shape::OneLine, "name"),
            Err("Keep the name on one line.".to_string())
        );
        assert_eq!(
            clean("Acme\rLtd", Shape::OneLine, "name"),
            Err("Keep the name on one line.".to_string())
        );
    }

    #[test]
    fn lines_keep_their_breaks_in_one_form() {
        assert_eq!(
            clean("1 Main St\r\nSpringfield\rUSA\n", Shape::Lines, "address"),
            Ok("1 Main St\nSpringfield\nUSA".to_string())
        );
    }

    #[test]
    fn other_control_characters_are_named() {
        for (text, code) in [
            ("a\0b", "0000"),
            ("a\u{1b}[31mb", "001B"),
            ("a\u{85}b", "0085"),
        ] {
            for shape in [Shape::OneLine, Shape::Lines] {
                assert_eq!(
                    clean(text, shape, "notes"),
                    Err(format!(
                        "Remove the invisible control character (U+{code}) from the notes."
                    ))
                );
            }
        }
    }

    #[test]
    fn letters_of_every_script_pass() {
        let text = "Zoë Ødegaard — 北京 · مرحبا · 🙂";
        assert_eq!(clean(text, Shape::OneLine, "name"), Ok(text.to_string()));
    }

    #[test]
    fn characters_that_reorder_the_text_are_named() {
        for (text, code) in [
            ("Design work \u{202E}00.001\u{202C}", "202E"),
            ("\u{202A}Acme", "202A"),
            ("Acme \u{2066}Ltd\u{2069}", "2066"),
            ("Acme\u{2069}", "2069"),
        ] {
            for shape in [Shape::OneLine, Shape::Lines] {
                assert_eq!(
                    clean(text, shape, "description"),
                    Err(format!(
                        "Remove the invisible text-direction character (U+{code}) from the \
                         description: it shows the text in another order than it is saved."
                    ))
                );
            }
        }
    }

    #[test]
    fn direction_marks_that_mixed_scripts_need_pass() {
        let text = "שלום\u{200F} Acme\u{200E} 2026 · مرحبا\u{61C}";
        assert_eq!(clean(text, Shape::OneLine, "name"), Ok(text.to_string()));
    }

    #[test]
    fn text_from_elsewhere_is_tidied_to_what_a_form_would_accept() {
        let tidied = tidied(" Ada\u{202E}\nLovelace\u{0}\u{2069} ", 100);
        assert_eq!(tidied, "Ada Lovelace");
        assert_eq!(clean(&tidied, Shape::OneLine, "name"), Ok(tidied.clone()));
        assert_eq!(super::tidied("Zoë Ødegaard", 3), "Zoë");
        assert_eq!(super::tidied("\u{202E}\u{1b}", 10), "");
    }

    #[test]
    fn required_says_what_to_write_when_empty() {
        assert_eq!(
            required(" \t ", 5, Shape::OneLine, "name", "Enter a name."),
            Err("Enter a name.".to_string())
        );
        assert_eq!(
            required(" Ada ", 5, Shape::OneLine, "name", "Enter a name."),
            Ok("Ada".to_string())
        );
    }

    #[test]
    fn optional_bounds_what_is_kept() {
        assert_eq!(optional("   ", 5, Shape::OneLine, "name"), Ok(None));
        assert_eq!(
            optional(" abcde ", 5, Shape::OneLine, "name"),
            Ok(Some("abcde".to_string()))
        );
        assert_eq!(
            optional("abcdef", 5, Shape::OneLine, "name"),
            Err("Keep the name under 5 characters.".to_string())
        );
        assert_eq!(
            optional("a\u{7}", 5, Shape::Lines, "notes"),
            Err("Remove the invisible control character (U+0007) from the notes.".to_string())
        );
    }
}
