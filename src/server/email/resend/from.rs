//! The `from` of an email sent for a user: their name in front of PayTrack's configured
//! sender, as one mailbox (`domain::mailbox` says when the words are quoted, and why).

use crate::domain::mailbox;

/// The longest sender name kept in front of the address.
const LONGEST_NAME: usize = 60;

/// `from` ("PayTrack <billing@example.com>", as the configuration wrote it) with the sender's
/// name in front: "Ada Lovelace via PayTrack <billing@example.com>", or
/// "\"Smith, Jones & Co. via PayTrack\" <billing@example.com>". Without a name that survives
/// `mailbox::name_words`, `from` itself.
pub fn from_on_behalf(from: &str, sender: Option<&str>) -> String {
    let name = sender.map_or_else(String::new, |sender| {
        mailbox::name_words(sender, LONGEST_NAME)
    });
    match mailbox::parse(from) {
        Ok((display, address)) if !name.is_empty() => {
            let display = if display.is_empty() {
                "PayTrack"
            } else {
                &display
            };
            mailbox::format(&format!("{name} via {display}"), &address)
        }
        _ => from.to_string(),
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
            from_on_behalf("billing@paytrack.test", Some("Ada")),
            "Ada via PayTrack <billing@paytrack.test>"
        );
        assert_eq!(
            from_on_behalf("\"PayTrack, Inc.\" <billing@paytrack.test>", Some("Ada")),
            "\"Ada via PayTrack, Inc.\" <billing@paytrack.test>"
        );
    }

    #[test]
    fn a_name_with_separators_is_quoted_and_one_that_is_nothing_is_left_out() {
        assert_eq!(
            from_on_behalf(FROM, Some("Smith, Jones & Co.")),
            "\"Smith, Jones & Co. via PayTrack\" <billing@paytrack.test>"
        );
        assert_eq!(
            from_on_behalf(FROM, Some("Evil\r\nBcc: <x@y>, \"Co\"")),
            "\"Evil Bcc: x@y, Co via PayTrack\" <billing@paytrack.test>"
        );
        assert_eq!(from_on_behalf(FROM, Some("<>")), FROM);
        assert_eq!(from_on_behalf(FROM, Some(" \t ")), FROM);
    }
}
