use super::*;

fn key(byte: u8) -> Secret {
    Secret::new(BASE64.encode([byte; 32]))
}

fn stripe_key() -> Secret {
    Secret::new("rk_test_51Hx0000000000000000000000abcd".to_string())
}

#[test]
fn a_sealed_value_opens_for_its_owner_and_purpose_only() {
    let keyring = Keyring::from_base64(&key(1), &[]).unwrap();
    let (ada, bob) = (ObjectId::new(), ObjectId::new());
    let sealed = keyring
        .seal(ada, Purpose::StripeKey, &stripe_key())
        .unwrap();
    assert_eq!(
        keyring.open(ada, Purpose::StripeKey, &sealed).unwrap(),
        stripe_key()
    );
    assert!(!sealed.ciphertext.contains("rk_test"));
    assert_eq!(
        keyring.open(bob, Purpose::StripeKey, &sealed),
        Err(CryptoError::DoesNotOpen),
        "copied to another user"
    );
    assert_eq!(
        keyring.open(ada, Purpose::StripeWebhookSecret, &sealed),
        Err(CryptoError::DoesNotOpen),
        "used for another purpose"
    );
}

#[test]
fn every_sealing_has_its_own_nonce() {
    let keyring = Keyring::from_base64(&key(1), &[]).unwrap();
    let owner = ObjectId::new();
    let a = keyring
        .seal(owner, Purpose::StripeKey, &stripe_key())
        .unwrap();
    let b = keyring
        .seal(owner, Purpose::StripeKey, &stripe_key())
        .unwrap();
    assert_ne!(a.nonce, b.nonce);
    assert_ne!(a.ciphertext, b.ciphertext);
}

#[test]
fn tampering_with_the_ciphertext_or_nonce_is_caught() {
    let keyring = Keyring::from_base64(&key(1), &[]).unwrap();
    let owner = ObjectId::new();
    let sealed = keyring
        .seal(owner, Purpose::StripeKey, &stripe_key())
        .unwrap();
    let flip = |text: &str| {
        let mut bytes = BASE64.decode(text).unwrap();
        bytes[0] ^= 1;
        BASE64.encode(bytes)
    };
    for tampered in [
        Sealed {
            ciphertext: flip(&sealed.ciphertext),
            ..sealed.clone()
        },
        Sealed {
            nonce: flip(&sealed.nonce),
            ..sealed.clone()
        },
        Sealed {
            nonce: "short".into(),
            ..sealed.clone()
        },
    ] {
        assert_eq!(
            keyring.open(owner, Purpose::StripeKey, &tampered),
            Err(CryptoError::DoesNotOpen)
        );
    }
}

#[test]
fn rotation_reseals_under_the_new_key_and_the_old_one_can_then_go() {
    let owner = ObjectId::new();
    let old = Keyring::from_base64(&key(1), &[]).unwrap();
    let sealed = old.seal(owner, Purpose::StripeKey, &stripe_key()).unwrap();

    let rotating = Keyring::from_base64(&key(2), &[key(1)]).unwrap();
    assert_ne!(rotating.current_id(), old.current_id());
    assert_eq!(
        rotating.open(owner, Purpose::StripeKey, &sealed).unwrap(),
        stripe_key()
    );
    let resealed = rotating
        .reseal(owner, Purpose::StripeKey, &sealed)
        .unwrap()
        .expect("sealed under the old key");
    assert_eq!(resealed.key_id, rotating.current_id());
    assert_eq!(
        rotating.reseal(owner, Purpose::StripeKey, &resealed),
        Ok(None)
    );

    let rotated = Keyring::from_base64(&key(2), &[]).unwrap();
    assert_eq!(
        rotated.open(owner, Purpose::StripeKey, &resealed).unwrap(),
        stripe_key()
    );
    assert_eq!(
        rotated.open(owner, Purpose::StripeKey, &sealed),
        Err(CryptoError::UnknownKey(old.current_id().to_string()))
    );
}

#[test]
fn bad_keys_are_named_without_being_shown() {
    let short = Secret::new(BASE64.encode([7_u8; 16]));
    let err = Keyring::from_base64(&short, &[]).unwrap_err();
    assert_eq!(err, "the master key decodes to 16 bytes, not 32");
    let err = Keyring::from_base64(&key(1), &[Secret::new("not base64!".into())]).unwrap_err();
    assert_eq!(err, "previous master key 1 is not valid base64");
    let keyring = Keyring::from_base64(&key(1), &[key(2)]).unwrap();
    let printed = format!("{keyring:?}");
    assert!(!printed.contains(&BASE64.encode([1_u8; 32])), "{printed}");
    assert!(printed.contains(keyring.current_id()));
}
