use super::*;

fn values() -> Values<'static> {
    Values {
        client_name: "Ada <Lovelace> & Co",
        invoice_number: "INV-0042",
        amount_due: "$1,250.00",
        due_date: "2026-12-01",
        days_overdue: 9,
        pay_link: "https://paytrack.test/i/abc",
        sender_name: "Grace",
    }
}

#[test]
fn the_default_policy_has_the_five_documented_steps() {
    let policy = ReminderPolicy::default();
    let offsets: Vec<i32> = policy.steps().iter().map(|s| s.offset_days).collect();
    assert_eq!(offsets, vec![-3, 0, 3, 7, 14]);
    let due = CalendarDate::parse("2026-12-30").unwrap();
    let dates: Vec<String> = policy
        .dates(due)
        .iter()
        .map(|(_, d)| d.to_string())
        .collect();
    assert_eq!(
        dates,
        [
            "2026-12-27",
            "2026-12-30",
            "2027-01-02",
            "2027-01-06",
            "2027-01-13"
        ]
    );
}

#[test]
fn unknown_or_broken_variables_are_refused_when_saved() {
    let err = Template::parse("Hi {{client_nme}}", 100, Shape::Lines, "message").unwrap_err();
    assert!(
        err.contains("{{client_nme}}") && err.contains("{{client_name}}"),
        "{err}"
    );
    assert!(
        Template::parse("Hi {{client_name", 100, Shape::Lines, "message")
            .unwrap_err()
            .contains("never closed")
    );
    assert!(
        Template::parse("Hi client_name}}", 100, Shape::Lines, "message")
            .unwrap_err()
            .contains("no “{{”")
    );
    assert!(Template::parse("  ", 100, Shape::Lines, "message").is_err());
    assert!(Template::parse(&"x".repeat(101), 100, Shape::Lines, "message").is_err());
}

#[test]
fn a_subject_is_one_line_and_no_text_holds_control_characters() {
    assert_eq!(
        Template::parse(
            "Invoice {{invoice_number}}\nBcc: x",
            200,
            Shape::OneLine,
            "subject"
        )
        .map(|t| t.source().to_string()),
        Err("Keep the subject on one line.".to_string())
    );
    assert_eq!(
        Template::parse("Hi\r\n\u{7}", 200, Shape::Lines, "message")
            .map(|t| t.source().to_string()),
        Err("Remove the invisible control character (U+0007) from the message.".to_string())
    );
    assert_eq!(
        Template::parse(" Hi,\r\nthanks \n", 200, Shape::Lines, "message")
            .map(|t| t.source().to_string()),
        Ok("Hi,\nthanks".to_string())
    );
}

#[test]
fn values_are_escaped_in_html_and_left_alone_in_text() {
    let template = Template::parse(
        "Dear {{ client_name }}, {{amount_due}} is {{days_overdue}} days late <b>",
        200,
        Shape::Lines,
        "message",
    )
    .unwrap();
    assert_eq!(
        template.render_text(&values()),
        "Dear Ada <Lovelace> & Co, $1,250.00 is 9 days late <b>"
    );
    assert_eq!(
        template.render_html(&values()),
        "Dear Ada &lt;Lovelace&gt; &amp; Co, $1,250.00 is 9 days late &lt;b&gt;"
    );
}

#[test]
fn a_policy_reports_each_bad_step_and_refuses_two_on_one_day() {
    let step = |offset: &str, subject: &str| StepInput {
        offset_days: offset.into(),
        subject: subject.into(),
        body: "Pay {{pay_link}}".into(),
    };
    let errors = ReminderPolicy::parse(&[
        step("3", "Late"),
        step("3", "Late again"),
        step("soon", "Hi {{nobody}}"),
        step("400", "Too late"),
    ])
    .unwrap_err();
    assert!(errors.each[0].offset_days.is_none());
    assert!(
        errors.each[1]
            .offset_days
            .as_deref()
            .unwrap()
            .contains("already")
    );
    assert!(errors.each[2].offset_days.is_some() && errors.each[2].subject.is_some());
    assert!(
        errors.each[3]
            .offset_days
            .as_deref()
            .unwrap()
            .contains("365")
    );
    assert!(ReminderPolicy::parse(&[]).unwrap_err().steps.is_some());
    let sorted = ReminderPolicy::parse(&[step("7", "b"), step("-1", "a")]).unwrap();
    assert_eq!(sorted.steps()[0].offset_days, -1);
}

#[test]
fn a_policy_cut_to_its_first_steps_keeps_their_order_and_at_least_one() {
    let policy = ReminderPolicy::default();
    let cut = policy.first(2);
    assert_eq!(cut.steps().len(), 2);
    assert_eq!(cut.steps()[0].offset_days, policy.steps()[0].offset_days);
    assert_eq!(cut.steps()[1].offset_days, policy.steps()[1].offset_days);
    assert_eq!(policy.first(0).steps().len(), 1);
    assert_eq!(policy.first(99).steps().len(), policy.steps().len());
}
