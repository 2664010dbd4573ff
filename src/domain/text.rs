//! Free text as users type it into a form (names, addresses, notes, descriptions): trimmed,
//! bounded, and without control characters. Those have no place on an invoice, and past the
//! form they break what PayTrack writes: a line break in a name splits an email's subject, a
//! NUL or an escape shows as a box in a PDF and confuses the spreadsheet opening an export.

/// Whether a field keeps line breaks (an address, notes) or is one line (a name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    OneLine,
    Lines,
}

/// The text as saved: tabs as spaces, line breaks as `\n`, trimmed; or a
/// sentence naming the `label` when it holds a line break in one line or another control
/// character. The length is not checked here (see [`optional`]).
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
    Ok(text.to_string())
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
