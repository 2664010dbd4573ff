//! Mail clients send back: which invoice a reply address belongs to, who a message is from,
//! and whether a person or a machine (an out-of-office, a mailing list) wrote it.

use super::email::EmailAddress;
use super::text;

/// Reply addresses look like `reply+<token>@<inbound domain>`.
const TAG: &str = "reply+";

/// A reply token is 16 random bytes in lower-case hex: nothing about the invoice is in it, and
/// lower case survives mail servers that fold the local part's case.
pub const TOKEN_LEN: usize = 32;

/// The longest reply PayTrack keeps and forwards, text and HTML each; longer mail is refused.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// The address replies to an invoice with reply token `token` go to.
pub fn reply_address(token: &str, domain: &str) -> String {
    format!("{TAG}{token}@{domain}")
}

/// Whether `token` has the shape PayTrack gives, checked before any query.
pub fn is_reply_token(token: &str) -> bool {
    token.len() == TOKEN_LEN
        && token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The address in `header_value`: `Zoë <zoe@example.com>` or `zoe@example.com`.
pub fn address_in(header_value: &str) -> Option<EmailAddress> {
    let value = header_value.trim();
    let bare = match (value.rfind('<'), value.rfind('>')) {
        (Some(open), Some(close)) if open < close => &value[open + 1..close],
        _ => value,
    };
    EmailAddress::parse(bare).ok()
}

/// The display name in `header_value` (`Zoë Ångström` in `"Zoë Ångström" <zoe@…>`), if any,
/// as one line a form would accept: it heads the forward's subject and the invoice's timeline.
pub fn name_in(header_value: &str) -> Option<String> {
    let (name, _) = header_value.split_once('<')?;
    let name = text::tidied(name.trim().trim_matches('"'), 120);
    (!name.is_empty()).then_some(name)
}

/// The reply token among `recipients` that are reply addresses on `domain` (case aside).
pub fn token_among<'a>(
    recipients: impl IntoIterator<Item = &'a str>,
    domain: &str,
) -> Option<String> {
    recipients.into_iter().find_map(|recipient| {
        let address = address_in(recipient)?.identity();
        let (local, at) = address.rsplit_once('@')?;
        if !at.eq_ignore_ascii_case(domain) {
            return None;
        }
        let token = local.strip_prefix(TAG)?;
        is_reply_token(token).then(|| token.to_string())
    })
}

/// Who wrote a message, read from its headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Author {
    Person,
    /// An automatic answer (out of office, vacation notice) or bulk mail: noted, but it does
    /// not hold chasing.
    Machine,
}

/// Who wrote the message with `headers` (names in any case), by RFC 3834's `Auto-Submitted`
/// and the headers auto-responders commonly set instead.
pub fn author<'a>(headers: impl IntoIterator<Item = (&'a str, &'a str)>) -> Author {
    for (name, value) in headers {
        let value = value.trim().to_ascii_lowercase();
        let machine = match name.trim().to_ascii_lowercase().as_str() {
            "auto-submitted" => value != "no",
            "x-autoreply" | "x-autorespond" | "x-autoresponder" => true,
            "precedence" => matches!(value.as_str(), "auto_reply" | "bulk" | "junk" | "list"),
            "x-auto-response-suppress" => false,
            _ => false,
        };
        if machine {
            return Author::Machine;
        }
    }
    Author::Person
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn a_reply_address_gives_back_its_token_and_nothing_else_does() {
        let domain = "in.paytrack.test";
        let address = reply_address(TOKEN, domain);
        assert_eq!(address, format!("reply+{TOKEN}@in.paytrack.test"));
        assert_eq!(token_among([address.as_str()], domain), Some(TOKEN.into()));
        let named = format!(
            "\"PayTrack replies\" <REPLY+{}@IN.paytrack.test>",
            TOKEN.to_uppercase()
        );
        assert_eq!(token_among([named.as_str()], domain), Some(TOKEN.into()));
        let other = format!("reply+{TOKEN}@elsewhere.test");
        let short = "reply+0123@in.paytrack.test";
        let untagged = format!("{TOKEN}@in.paytrack.test");
        let not_hex = format!("reply+{}@in.paytrack.test", "g".repeat(32));
        for refused in [
            other.as_str(),
            short,
            untagged.as_str(),
            not_hex.as_str(),
            "nonsense",
        ] {
            assert_eq!(token_among([refused], domain), None, "{refused}");
        }
        let mixed = ["ada@example.com", address.as_str()];
        assert_eq!(token_among(mixed, domain), Some(TOKEN.into()));
    }

    #[test]
    fn names_and_addresses_come_apart() {
        let from = "\"Zoë Ångström\" <zoe@client.example>";
        assert_eq!(
            address_in(from).map(|a| a.to_string()),
            Some("zoe@client.example".into())
        );
        assert_eq!(name_in(from), Some("Zoë Ångström".into()));
        assert_eq!(name_in("zoe@client.example"), None);
        assert_eq!(
            name_in("\"Zoë\r\nBcc: x\u{202E}\" <zoe@client.example>"),
            Some("Zoë  Bcc: x".into())
        );
        assert_eq!(name_in("\"\u{202E}\" <zoe@client.example>"), None);
        assert_eq!(address_in("not an address"), None);
    }

    #[test]
    fn machines_say_so_in_their_headers() {
        assert_eq!(
            author([("Auto-Submitted", "auto-replied")]),
            Author::Machine
        );
        assert_eq!(author([("auto-submitted", "No")]), Author::Person);
        assert_eq!(author([("X-Autoreply", "yes")]), Author::Machine);
        assert_eq!(author([("Precedence", "bulk")]), Author::Machine);
        assert_eq!(author([("precedence", "auto_reply")]), Author::Machine);
        assert_eq!(author([("Precedence", "first-class")]), Author::Person);
        assert_eq!(
            author([("X-Auto-Response-Suppress", "All")]),
            Author::Person
        );
        assert_eq!(author([("Subject", "Paying Friday")]), Author::Person);
    }
}
