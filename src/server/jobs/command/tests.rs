use super::parse;

#[test]
fn arguments_are_an_optional_instant() {
    assert_eq!(parse(&[]).unwrap(), None);
    let at = parse(&["--at".into(), "2026-12-01T09:00:00Z".into()]).unwrap();
    assert_eq!(at.unwrap().to_string(), "2026-12-01T09:00:00Z");
    assert!(
        parse(&["--at".into(), "tomorrow".into()])
            .unwrap_err()
            .contains("RFC 3339")
    );
    assert!(parse(&["--now".into()]).unwrap_err().starts_with("usage"));
}
