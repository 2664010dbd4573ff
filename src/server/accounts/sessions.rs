//! The user's live sessions, for the account page's list of where they are signed in.

use mongodb::bson::DateTime;

use crate::error::AppError;
use crate::server::db::sessions::{self, SessionDoc};
use crate::server::db::{self, users::UserDoc};
use crate::server::state::AppState;

pub async fn live(state: &AppState, user: &UserDoc) -> Result<Vec<SessionDoc>, AppError> {
    sessions::list_live(&state.db, user.id, DateTime::now())
        .await
        .map_err(db::failed("listing sessions"))
}

/// A session's device as a person names it ("Chrome 131 on Windows", "Safari 17 on iPhone"),
/// read from the browser's user agent by woothee; the raw string, which says the same in a
/// way few people read, stays in the session's record and the data export.
pub fn device(user_agent: &str) -> String {
    let known = |value: &str| !value.is_empty() && value != woothee::woothee::VALUE_UNKNOWN;
    let Some(read) = woothee::parser::Parser::new().parse(user_agent) else {
        return unread(user_agent);
    };
    let browser = match read.version.split('.').next() {
        Some(major) if known(read.name) && known(major) && major != "0" => {
            format!("{} {major}", read.name)
        }
        _ if known(read.name) => read.name.to_string(),
        _ => return unread(user_agent),
    };
    let system = match read.os {
        // Windows 11 still says "Windows NT 10.0": browsers froze the number.
        "Windows 10" => "Windows",
        "Mac OSX" => "macOS",
        os => os,
    };
    if known(system) {
        format!("{browser} on {system}")
    } else {
        browser
    }
}

/// A user agent woothee does not know, shortened to what fits a line.
fn unread(user_agent: &str) -> String {
    const MOST: usize = 60;
    match user_agent.trim() {
        "" => "Unknown device".to_string(),
        agent if agent.chars().count() <= MOST => agent.to_string(),
        agent => format!("{}…", agent.chars().take(MOST).collect::<String>()),
    }
}

#[cfg(test)]
mod tests {
    use super::device;

    #[test]
    fn browsers_are_named_with_their_major_version_and_system() {
        for (agent, named) in [
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "Chrome 131 on Windows",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox 133 on macOS",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                "Safari 17 on iPhone",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
                "Chrome 131 on Android",
            ),
        ] {
            assert_eq!(device(agent), named, "{agent}");
        }
    }

    #[test]
    fn what_woothee_cannot_read_is_shown_short_and_never_empty() {
        assert_eq!(device(""), "Unknown device");
        assert_eq!(device("  "), "Unknown device");
        assert_eq!(device("Nonesuch/1.0 (Toaster)"), "Nonesuch/1.0 (Toaster)");
        let long = format!("Nonesuch/{}", "x".repeat(100));
        assert_eq!(device(&long).chars().count(), 61);
        assert!(device(&long).ends_with('…'));
    }
}
