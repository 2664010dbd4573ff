//! Where to go back to after signing in (`?next=`): only a path on this site, so a link that
//! names another host cannot use PayTrack's sign-in to send someone there. The server keeps it
//! with the login link or Google's state; the sign-in page offers it to someone already in.

/// `next` when it is a path on this site: one leading slash, no scheme, no `//` or `/\` (which
/// browsers read as another host), no control characters, at most 512 bytes.
pub fn same_site(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control() || c == '\\')
        && next.len() <= 512;
    ok.then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_site_paths_are_kept() {
        assert_eq!(same_site("/account"), Some("/account"));
        assert_eq!(
            same_site("/invoices?status=open#top"),
            Some("/invoices?status=open#top")
        );
        for attack in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
            "/ok\r\nSet-Cookie: x=1",
            "/\tevil",
        ] {
            assert_eq!(same_site(attack), None, "{attack:?}");
        }
        assert_eq!(same_site(&format!("/{}", "a".repeat(512))), None);
    }
}
