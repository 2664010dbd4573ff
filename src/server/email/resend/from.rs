//! The `from` of an email sent for a user: their name in front of PayTrack's configured
//! address, as one RFC 5322 mailbox. A name with a comma, a colon, an `@` or a full stop
//! ("Smith, Jones & Co.", "J. Smith") is a quoted string there; bare, a mail system reads a
//! comma as a second address and a colon as the start of a group, and refuses the email.

use crate::domain::text::tidied;

/// The longest sender name kept in front of the address.
const LONGEST_NAME: usize = 60;

/// `from` ("PayTrack <billing@example.com>") with the sender's name in front:
/// "Ada Lovelace via PayTrack <billing@example.com>", quoted when the words need it. What
/// would end the quoted string or the header is dropped from the name, and so are characters
/// that would turn "via PayTrack" around after it (names saved before free text refused them).
pub fn from_on_behalf(from: &str, sender: Option<&str>) -> String {
    let Some(sender) = sender else {
        return from.to_string();
    };
    let name: String = tidied(sender, LONGEST_NAME)
        .chars()
        .filter(|&c| !matches!(c, '<' | '>' | '"' | '\\'))
        .collect();
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return from.to_string();
    }
    let (display, address) = match from.split_once('<') {
        Some((display, address)) => {
            let display = display.trim().trim_matches('"').trim();
            (display, format!("<{}", address.trim()))
        }
        None => ("", format!("<{}>", from.trim())),
    };
    let display = if display.is_empty() {
        "PayTrack"
    } else {
        display
    };
    format!("{} {address}", phrase(&format!("{name} via {display}")))
}

/// `words` as a display name: bare when it is only words of atoms (RFC 5322 `atext`, with
/// RFC 6532's letters beyond ASCII), otherwise a quoted string. `words` holds no `"` or `\`.
fn phrase(words: &str) -> String {
    let atom =
        |c: char| c.is_ascii_alphanumeric() || !c.is_ascii() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    if words.chars().all(|c| c == ' ' || atom(c)) {
        words.to_string()
    } else {
        format!("\"{words}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::from_on_behalf;

    const FROM: &str = "PayTrack <billing@paytrack.test>";

    #[test]
    fn the_sender_name_goes_in_front_of_the_configured_from() {
        assert_eq!(from_on_behalf(FROM, None), FROM);
        assert_eq!(
            from_on_behalf(FROM, Some("Ada Lovelace")),
            "Ada Lovelace via PayTrack <billing@paytrack.test>"
        );
        assert_eq!(
            from_on_behalf(FROM, Some("Zoë Ünal-O'Brien")),
            "Zoë Ünal-O'Brien via PayTrack <billing@paytrack.test>"
        );
        assert_eq!(
            from_on_behalf("billing@paytrack.test", Some("Ada")),
            "Ada via PayTrack <billing@paytrack.test>"
        );
        assert_eq!(
            from_on_behalf("\"PayTrack Billing\" <billing@paytrack.test>", Some("Ada")),
            "Ada via PayTrack Billing <billing@paytrack.test>"
        );
    }

    #[test]
    fn names_with_separators_are_quoted_not_cut() {
        assert_eq!(
            from_on_behalf(FROM, Some("Smith, Jones & Co.")),
            "\"Smith, Jones & Co. via PayTrack\" <billing@paytrack.test>"
        );
        assert_eq!(
            from_on_behalf(FROM, Some("J. Smith (Design): studio@home; Ltd")),
            "\"J. Smith (Design): studio@home; Ltd via PayTrack\" <billing@paytrack.test>"
        );
    }

    #[test]
    fn nothing_in_a_name_can_end_the_header_or_the_quotes() {
        assert_eq!(
            from_on_behalf(FROM, Some("Evil\r\nBcc: <x@y>, \"Co\" \\")),
            "\"Evil Bcc: x@y, Co via PayTrack\" <billing@paytrack.test>"
        );
        assert_eq!(from_on_behalf(FROM, Some("<>")), FROM);
        assert_eq!(from_on_behalf(FROM, Some(" \t ")), FROM);
        assert_eq!(
            from_on_behalf(FROM, Some("Ada\u{202E}\u{2066}")),
            "Ada via PayTrack <billing@paytrack.test>"
        );
        let long = "A".repeat(100);
        assert_eq!(
            from_on_behalf(FROM, Some(&long)),
            format!("{} via PayTrack <billing@paytrack.test>", "A".repeat(60))
        );
    }
}
