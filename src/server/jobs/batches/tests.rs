use super::*;

#[test]
fn a_stored_email_comes_back_the_same() {
    let email = Email {
        to: EmailAddress::parse("a@client.test").unwrap(),
        cc: vec![EmailAddress::parse("b@client.test").unwrap()],
        sender_name: Some("Ada".into()),
        reply_to: Some(EmailAddress::parse("ada@example.test").unwrap()),
        subject: "S".into(),
        html: "<p>H</p>".into(),
        text: "T".into(),
        kind: "reminder",
        idempotency_key: "paytrack-x-reminder:3".into(),
        attachments: Vec::new(),
    };
    let job = crate::server::db::email_jobs::EmailJobDoc::scheduled(
        ObjectId::new(),
        ObjectId::new(),
        "reminder:3",
        mongodb::bson::DateTime::now(),
    );
    let stored = to_batch_email(&Prepared {
        job,
        email: email.clone(),
    });
    let back = from_batch_email(&stored).unwrap();
    assert_eq!(back.to, email.to);
    assert_eq!(back.cc, email.cc);
    assert_eq!(back.reply_to, email.reply_to);
    assert_eq!(back.sender_name, email.sender_name);
    assert_eq!(super::super::outcome::recipients_of(&back).len(), 2);
    assert_eq!(
        (
            back.subject,
            back.html,
            back.text,
            back.kind,
            back.idempotency_key
        ),
        (
            email.subject,
            email.html,
            email.text,
            email.kind,
            email.idempotency_key
        )
    );
}
