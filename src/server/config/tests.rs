//! Configuration read through an injected lookup: no test touches the process environment.

use super::*;
use base64::Engine;
use std::collections::HashMap;

fn load(vars: &[(&'static str, &str)]) -> Result<Config, ConfigError> {
    let map: HashMap<&str, String> = vars.iter().map(|(k, v)| (*k, v.to_string())).collect();
    Config::from_lookup(|name| Ok(map.get(name).cloned()))
}

const URI: (&str, &str) = ("MONGODB_URI", "mongodb://127.0.0.1:27017");

#[test]
fn development_defaults_need_only_a_database() -> Result<(), ConfigError> {
    let config = load(&[URI])?;
    assert_eq!(config.environment, Environment::Development);
    assert_eq!(config.bind_addr.to_string(), "127.0.0.1:3000");
    assert_eq!(config.base_url, "http://127.0.0.1:3000");
    assert_eq!(config.mongodb_database, "paytrack");
    assert!(config.secrets.google.is_none());
    Ok(())
}

#[test]
fn trusted_proxies_are_cidrs_or_single_addresses() -> Result<(), ConfigError> {
    assert!(load(&[URI])?.trusted_proxies.is_empty());
    let config = load(&[
        URI,
        (
            "PAYTRACK_TRUSTED_PROXIES",
            "10.0.0.0/8, 192.168.1.7 ,2001:db8::/32,172.16.5.9/12",
        ),
    ])?;
    let listed: Vec<String> = config
        .trusted_proxies
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        listed,
        [
            "10.0.0.0/8",
            "192.168.1.7/32",
            "2001:db8::/32",
            "172.16.0.0/12"
        ]
    );
    Ok(())
}

impl ConfigError {
    /// The one problem, when the environment was meant to have only one.
    fn only(self) -> Problem {
        assert_eq!(self.problems.len(), 1, "{self}");
        self.problems[0].clone()
    }
}

#[test]
fn missing_database_uri_names_the_variable() {
    let err = load(&[]).unwrap_err();
    assert_eq!(err.variables(), ["MONGODB_URI"]);
    assert!(
        err.to_string()
            .starts_with("configuration error: MONGODB_URI is required")
    );
}

#[test]
fn every_problem_is_named_at_once_each_variable_once() {
    let err = load(&[
        ("MONGODB_URI", "postgres://x"),
        ("PAYTRACK_BIND_ADDR", "everywhere"),
        ("STRIPE_SECRET_KEY", "pk_live_publishable"),
        ("STRIPE_PRICE_PRO_MONTHLY", "price_1"),
        ("STRIPE_PRICE_PRO_YEARLY", "price_2"),
        ("PAYTRACK_FREE_ACTIVE_CLIENTS", "lots"),
    ])
    .unwrap_err();
    // The malformed key is named once: not also "required with the Pro prices".
    assert_eq!(
        err.variables(),
        [
            "PAYTRACK_BIND_ADDR",
            "MONGODB_URI",
            "STRIPE_SECRET_KEY",
            "PAYTRACK_FREE_ACTIVE_CLIENTS"
        ]
    );
    let text = err.to_string();
    assert!(
        text.starts_with("4 configuration errors:\n  - PAYTRACK_BIND_ADDR is malformed"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 5, "{text}");
    assert!(!text.contains("pk_live_publishable"), "{text}");
}

#[test]
fn malformed_values_name_the_variable() {
    let cases: &[(&'static str, &str)] = &[
        ("PAYTRACK_BIND_ADDR", "localhost"),
        ("PAYTRACK_BASE_URL", "paytrack.example.com"),
        ("PAYTRACK_BASE_URL", "https://x.example.com/app?x"),
        ("PAYTRACK_ENV", "staging"),
        ("MONGODB_DATABASE", "pay.track"),
        ("PAYTRACK_CONTACT_EMAIL", "nobody"),
        ("PAYTRACK_MASTER_KEY", "not base64!"),
        ("PAYTRACK_MASTER_KEY", "c2hvcnQ="),
        ("RESEND_API_KEY", "sk_live_wrong"),
        ("STRIPE_SECRET_KEY", "pk_test_publishable"),
        ("STRIPE_WEBHOOK_SECRET", "secret"),
        ("PAYTRACK_EMAIL_FROM", "nobody"),
        ("RESEND_BASE_URL", "api.resend.com"),
        ("CRISP_WEBSITE_ID", "not-a-website"),
        ("PAYTRACK_OPERATORS", "ops@example.com, nobody"),
        ("PAYTRACK_TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal"),
        ("PAYTRACK_TRUSTED_PROXIES", "10.0.0.0/33"),
        ("PAYTRACK_METRICS_TOKEN", "short"),
    ];
    let google = [("GOOGLE_CLIENT_ID", "id"), ("GOOGLE_CLIENT_SECRET", "s")];
    let err = load(&[URI, google[0], google[1], ("GOOGLE_TOKEN_URL", "token")])
        .unwrap_err()
        .only();
    assert_eq!(err.variable, "GOOGLE_TOKEN_URL");
    for (variable, value) in cases {
        let err = load(&[URI, (variable, value)]).unwrap_err().only();
        assert_eq!(&err.variable, variable, "{value}");
        assert!(
            err.problem.contains("malformed") || err.problem.contains("must"),
            "{err}"
        );
    }
    assert_eq!(
        load(&[("MONGODB_URI", "postgres://x")])
            .unwrap_err()
            .only()
            .variable,
        "MONGODB_URI"
    );
}

#[test]
fn secret_values_are_never_echoed_in_errors() {
    let err = load(&[URI, ("RESEND_API_KEY", "xx_supersecretvalue")])
        .unwrap_err()
        .only();
    assert!(!err.to_string().contains("supersecretvalue"));
    let err = load(&[URI, ("PAYTRACK_MASTER_KEY", "c2VjcmV0c2VjcmV0")])
        .unwrap_err()
        .only();
    assert!(!err.to_string().contains("c2VjcmV0c2VjcmV0"));
}

#[test]
fn production_requires_public_settings() -> Result<(), ConfigError> {
    // A first deploy with nothing set learns every missing setting from one start.
    let err = load(&[("PAYTRACK_ENV", "production")]).unwrap_err();
    assert_eq!(
        err.variables(),
        [
            "PAYTRACK_BASE_URL",
            "MONGODB_URI",
            "PAYTRACK_CONTACT_EMAIL",
            "PAYTRACK_EMAIL_FROM",
            "PAYTRACK_MASTER_KEY",
            "RESEND_API_KEY"
        ]
    );
    let mut vars = vec![
        URI,
        ("PAYTRACK_ENV", "production"),
        ("PAYTRACK_BASE_URL", "https://paytrack.example.com/"),
        ("PAYTRACK_CONTACT_EMAIL", "privacy@paytrack.example.com"),
    ];
    assert_eq!(
        load(&vars).unwrap_err().variables(),
        [
            "PAYTRACK_EMAIL_FROM",
            "PAYTRACK_MASTER_KEY",
            "RESEND_API_KEY"
        ]
    );
    vars.push((
        "PAYTRACK_EMAIL_FROM",
        "PayTrack <billing@paytrack.example.com>",
    ));
    let key = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
    vars.push(("PAYTRACK_MASTER_KEY", &key));
    assert_eq!(load(&vars).unwrap_err().only().variable, "RESEND_API_KEY");
    vars.push(("RESEND_API_KEY", "re_123456"));
    let config = load(&vars)?;
    assert!(config.cookies_secure());
    assert_eq!(config.base_url, "https://paytrack.example.com");
    Ok(())
}
#[test]
fn the_email_sender_is_one_mailbox_a_mail_system_reads() -> Result<(), ConfigError> {
    let from = |value: &str| load(&[URI, ("PAYTRACK_EMAIL_FROM", value)]);
    assert_eq!(
        from("PayTrack, Inc. <billing@PayTrack.example.com>")?.email_from,
        "\"PayTrack, Inc.\" <billing@paytrack.example.com>"
    );
    assert_eq!(
        from("PayTrack <billing@paytrack.example.com>")?.email_from,
        "PayTrack <billing@paytrack.example.com>"
    );
    let err = from("PayTrack <billing@paytrack.example.com")
        .unwrap_err()
        .only();
    assert_eq!(
        err.to_string(),
        "PAYTRACK_EMAIL_FROM is malformed: the address after “<” needs its closing “>” \
         (expected an address such as `PayTrack <billing@example.com>`)"
    );
    Ok(())
}

#[test]
fn cookies_are_secure_except_over_http_on_loopback() -> Result<(), ConfigError> {
    let local = load(&[URI])?;
    assert!(!local.cookies_secure());
    let lan = load(&[URI, ("PAYTRACK_BASE_URL", "http://192.168.1.10:3000")])?;
    assert!(lan.cookies_secure());
    let localhost = load(&[URI, ("PAYTRACK_BASE_URL", "http://localhost:3000")])?;
    assert!(!localhost.cookies_secure());
    Ok(())
}

#[test]
fn google_credentials_come_in_pairs() -> Result<(), ConfigError> {
    let err = load(&[URI, ("GOOGLE_CLIENT_ID", "abc.apps.googleusercontent.com")])
        .unwrap_err()
        .only();
    assert_eq!(err.variable, "GOOGLE_CLIENT_SECRET");
    let config = load(&[
        URI,
        ("GOOGLE_CLIENT_ID", "abc.apps.googleusercontent.com"),
        ("GOOGLE_CLIENT_SECRET", "shh"),
    ])?;
    assert!(config.secrets.google.is_some());
    Ok(())
}
#[test]
fn a_well_formed_master_key_is_accepted() -> Result<(), ConfigError> {
    let key = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
    let config = load(&[URI, ("PAYTRACK_MASTER_KEY", &key)])?;
    assert!(config.secrets.master_key.is_some());
    assert!(config.secrets.master_key_previous.is_empty());
    Ok(())
}

#[test]
fn previous_master_keys_are_checked_one_by_one() -> Result<(), ConfigError> {
    let b64 = |byte: u8| base64::engine::general_purpose::STANDARD.encode([byte; 32]);
    let (current, old, older) = (b64(1), b64(2), b64(3));
    let both = format!("{old}, {older}");
    let config = load(&[
        URI,
        ("PAYTRACK_MASTER_KEY", &current),
        ("PAYTRACK_MASTER_KEY_PREVIOUS", &both),
    ])?;
    assert_eq!(config.secrets.master_key_previous.len(), 2);
    let broken = format!("{old},c2hvcnQ=");
    let err = load(&[
        URI,
        ("PAYTRACK_MASTER_KEY", &current),
        ("PAYTRACK_MASTER_KEY_PREVIOUS", &broken),
    ])
    .unwrap_err()
    .only();
    assert_eq!(err.variable, "PAYTRACK_MASTER_KEY_PREVIOUS");
    assert!(err.problem.contains("key 2 must be 32 bytes"), "{err}");
    assert!(!err.to_string().contains(&old));
    let err = load(&[URI, ("PAYTRACK_MASTER_KEY_PREVIOUS", &old)])
        .unwrap_err()
        .only();
    assert!(err.problem.contains("without PAYTRACK_MASTER_KEY"), "{err}");
    // A malformed current key is that key's problem alone.
    let err = load(&[
        URI,
        ("PAYTRACK_MASTER_KEY", "c2hvcnQ="),
        ("PAYTRACK_MASTER_KEY_PREVIOUS", &old),
    ])
    .unwrap_err()
    .only();
    assert_eq!(err.variable, "PAYTRACK_MASTER_KEY");
    Ok(())
}
#[test]
fn empty_values_count_as_unset() -> Result<(), ConfigError> {
    let config = load(&[URI, ("PAYTRACK_BASE_URL", "  ")])?;
    assert_eq!(config.base_url, "http://127.0.0.1:3000");
    Ok(())
}
#[test]
fn non_utf8_values_name_the_variable() {
    let err = Config::from_lookup(|name| {
        if name == "PAYTRACK_BIND_ADDR" {
            Err(())
        } else if name == "MONGODB_URI" {
            Ok(Some("mongodb://x".into()))
        } else {
            Ok(None)
        }
    })
    .unwrap_err()
    .only();
    assert_eq!(err.variable, "PAYTRACK_BIND_ADDR");
}

#[test]
fn billing_needs_the_key_and_both_prices_and_limits_default_or_parse() {
    let key = ("STRIPE_SECRET_KEY", "sk_test_paytrack");
    let monthly = ("STRIPE_PRICE_PRO_MONTHLY", "price_monthly1");
    let yearly = ("STRIPE_PRICE_PRO_YEARLY", "price_yearly1");
    let Ok(config) = load(&[URI]) else {
        panic!("a configuration without billing loads")
    };
    assert!(config.billing.is_none());
    assert_eq!(
        config.free_limits,
        crate::domain::plan::FreeLimits::default()
    );
    let Ok(config) = load(&[
        URI,
        key,
        monthly,
        yearly,
        ("PAYTRACK_FREE_ACTIVE_CLIENTS", "10"),
    ]) else {
        panic!("a configuration with billing loads")
    };
    assert_eq!(
        config.billing.map(|b| b.price_yearly).as_deref(),
        Some("price_yearly1")
    );
    assert_eq!(config.free_limits.active_clients, 10);
    assert_eq!(
        load(&[URI, key]).unwrap_err().only().variable,
        "STRIPE_PRICE_PRO_MONTHLY"
    );
    assert_eq!(
        load(&[URI, key, monthly]).unwrap_err().only().variable,
        "STRIPE_PRICE_PRO_YEARLY"
    );
    assert_eq!(
        load(&[URI, monthly, yearly]).unwrap_err().only().variable,
        "STRIPE_SECRET_KEY"
    );
    let bad = load(&[URI, key, monthly, ("STRIPE_PRICE_PRO_YEARLY", "prod_123")])
        .unwrap_err()
        .only();
    assert!(bad.problem.contains("price id"), "{bad}");
    let bad = load(&[URI, ("PAYTRACK_FREE_INVOICES_PER_MONTH", "0")])
        .unwrap_err()
        .only();
    assert_eq!(bad.variable, "PAYTRACK_FREE_INVOICES_PER_MONTH");
}

#[test]
fn an_inbound_domain_is_a_domain_and_needs_resend_to_read_and_trust_replies()
-> Result<(), ConfigError> {
    // Locally without Resend, replies are written in the dev outbox, to a local-only name.
    assert_eq!(
        load(&[URI])?.inbound_domain.as_deref(),
        Some(DEV_INBOUND_DOMAIN)
    );
    let resend = [
        ("RESEND_API_KEY", "re_test_inbound"),
        ("RESEND_WEBHOOK_SECRET", "whsec_dGVzdHMgb25seQ=="),
    ];
    let config = load(&[
        URI,
        resend[0],
        resend[1],
        ("PAYTRACK_INBOUND_DOMAIN", "In.PayTrack.test."),
    ])?;
    assert_eq!(config.inbound_domain.as_deref(), Some("in.paytrack.test"));
    for bad in [
        "paytrack",
        "replies@paytrack.test",
        "https://paytrack.test",
        "a b.test",
    ] {
        let err = load(&[URI, resend[0], resend[1], ("PAYTRACK_INBOUND_DOMAIN", bad)])
            .unwrap_err()
            .only();
        assert_eq!(err.variable, "PAYTRACK_INBOUND_DOMAIN", "{bad}");
    }
    assert_eq!(load(&[URI, resend[0]])?.inbound_domain, None);
    let alone = load(&[URI, ("PAYTRACK_INBOUND_DOMAIN", "in.paytrack.test")])
        .unwrap_err()
        .only();
    assert_eq!(alone.variable, "PAYTRACK_INBOUND_DOMAIN");
    assert!(alone.to_string().contains("RESEND_WEBHOOK_SECRET"));
    Ok(())
}
