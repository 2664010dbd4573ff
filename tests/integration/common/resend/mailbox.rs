//! What the Resend stand-in takes as an email's `from`.

/// Whether `from` is one RFC 5322 mailbox, without the grammar's obsolete forms: an address,
/// or a display name before `<address>` that is either words of atoms (letters beyond ASCII
/// allowed, as RFC 6532 does) or one quoted string. A bare comma, colon, `@` or full stop in a
/// name makes it another address, a group or nothing a strict reader takes.
pub fn is_mailbox(from: &str) -> bool {
    let address = |text: &str| {
        text.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && !domain.is_empty() && !domain.contains('@')
        }) && !text.contains(|c: char| c.is_whitespace() || "<>,;:\"\\()[]".contains(c))
    };
    let Some((name, rest)) = from.rsplit_once('<') else {
        return address(from.trim());
    };
    let Some(inside) = rest.strip_suffix('>') else {
        return false;
    };
    let name = name.trim();
    let atom =
        |c: char| c.is_ascii_alphanumeric() || !c.is_ascii() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    let quoted = name.len() >= 2
        && name.starts_with('"')
        && name.ends_with('"')
        && !name[1..name.len() - 1].contains(|c: char| c == '"' || c == '\\' || c.is_control());
    let words = name.chars().all(|c| c == ' ' || atom(c));
    address(inside) && (quoted || words)
}
