//! An email's sender as a mail header writes it (RFC 5322's mailbox): a display name and an
//! address. A name holding a comma, a colon, an `@` or a full stop ("Smith, Jones & Co.",
//! "J. Smith") is a quoted string there; bare, a mail system reads a comma as a second address
//! and a colon as the start of a group, and refuses the email.

use super::email::EmailAddress;
use super::text::tidied;

/// `Name <address>`, `"Name" <address>` or a bare address, read into the name (empty for none)
/// and the address. A message says what is wrong otherwise.
pub fn parse(text: &str) -> Result<(String, EmailAddress), String> {
    let text = text.trim();
    let (name, address) = match text.rsplit_once('<') {
        Some((name, rest)) => match rest.strip_suffix('>') {
            Some(address) => (name.trim(), address),
            None => return Err("the address after “<” needs its closing “>”".to_string()),
        },
        None => ("", text),
    };
    let name = name
        .strip_prefix('"')
        .and_then(|quoted| quoted.strip_suffix('"'))
        .unwrap_or(name)
        .trim();
    if name.contains(|c: char| matches!(c, '"' | '\\' | '<' | '>') || c.is_control()) {
        return Err(
            "the name before “<” can't hold quotes, backslashes, angle brackets or line breaks"
                .to_string(),
        );
    }
    let address = EmailAddress::parse(address)
        .map_err(|_| format!("“{}” is not an email address", address.trim()))?;
    Ok((name.to_string(), address))
}

/// The header's words for `name` and `address`: the address alone when there is no name.
pub fn format(name: &str, address: &EmailAddress) -> String {
    if name.is_empty() {
        address.to_string()
    } else {
        format!("{} <{address}>", display_name(name))
    }
}

/// At most `max` characters of a name no form checked for a header (a person's name, saved
/// before free text refused some characters): one line, without what would end a quoted
/// string or the address, nor what would turn the words after it around; spaces single.
pub fn name_words(text: &str, max: usize) -> String {
    let kept: String = tidied(text, max)
        .chars()
        .filter(|&c| !matches!(c, '<' | '>' | '"' | '\\'))
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `words` (holding no `"` or `\`) as a display name: bare when it is only atoms (RFC 5322
/// `atext`, with RFC 6532's letters beyond ASCII) and spaces, otherwise a quoted string.
fn display_name(words: &str) -> String {
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
    use super::*;

    fn address(text: &str) -> EmailAddress {
        EmailAddress::parse(text).unwrap()
    }

    #[test]
    fn a_sender_reads_with_or_without_a_name_or_quotes() {
        let billing = address("billing@paytrack.test");
        assert_eq!(
            parse(" PayTrack <billing@PayTrack.test> "),
            Ok(("PayTrack".to_string(), billing.clone()))
        );
        assert_eq!(
            parse("\"PayTrack, Inc.\" <billing@paytrack.test>"),
            Ok(("PayTrack, Inc.".to_string(), billing.clone()))
        );
        assert_eq!(
            parse("billing@paytrack.test"),
            Ok((String::new(), billing.clone()))
        );
        assert_eq!(
            parse("<billing@paytrack.test>"),
            Ok((String::new(), billing))
        );
    }

    #[test]
    fn a_broken_sender_says_what_is_wrong() {
        assert_eq!(
            parse("PayTrack <billing@paytrack.test"),
            Err("the address after “<” needs its closing “>”".to_string())
        );
        assert_eq!(
            parse("nobody"),
            Err("“nobody” is not an email address".to_string())
        );
        assert_eq!(
            parse("Pay \"Track\" <billing@paytrack.test>"),
            Err(
                "the name before “<” can't hold quotes, backslashes, angle brackets or line breaks"
                    .to_string()
            )
        );
    }

    #[test]
    fn names_are_quoted_only_when_their_characters_need_it() {
        let billing = address("billing@paytrack.test");
        assert_eq!(format("", &billing), "billing@paytrack.test");
        assert_eq!(
            format("Zoë O'Brien-Ünal", &billing),
            "Zoë O'Brien-Ünal <billing@paytrack.test>"
        );
        assert_eq!(
            format("Smith, Jones & Co.", &billing),
            "\"Smith, Jones & Co.\" <billing@paytrack.test>"
        );
        assert_eq!(
            format("J. Smith (Design): studio@home; Ltd", &billing),
            "\"J. Smith (Design): studio@home; Ltd\" <billing@paytrack.test>"
        );
    }

    #[test]
    fn nothing_in_a_name_can_end_the_header_or_the_quotes() {
        assert_eq!(
            name_words("Evil\r\nBcc: <x@y>, \"Co\" \\", 60),
            "Evil Bcc: x@y, Co"
        );
        assert_eq!(name_words("Ada\u{202E}\u{2066}", 60), "Ada");
        assert_eq!(name_words("<>", 60), "");
        assert_eq!(name_words(&"A".repeat(100), 60), "A".repeat(60));
    }
}
