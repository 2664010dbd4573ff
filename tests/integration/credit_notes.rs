//! Voiding an invoice the client already has issues a credit note: numbered in the owner's own
//! unbroken series (CN-0001, …), dated, naming the invoice it cancels, as a PDF for the owner
//! to pass on. A draft never left, so voiding it issues none. A credit note whose email did
//! not go (this one, or one that reduced an invoice) can be emailed again by its number.

use futures::future::join_all;
use serde_json::{Value, json};

use crate::common::billing::{User, app_with_resend};
use crate::common::pdf::pdf_text_of;
use crate::common::resend::Reply;
use crate::common::sheets::{column, rows};
use crate::common::spawn_app;
use crate::reductions::reduced;

/// A sent invoice for `client` (the shared three-line invoice: $201.56, issued 2026-01-01).
pub async fn sent(user: &User<'_>, client: &str) -> (String, String) {
    let (id, number) = user.draft(client).await;
    assert_eq!(user.send(&id).await.status, 200);
    (id, number)
}

pub async fn void(user: &User<'_>, id: &str) -> Value {
    let answer = user.form("/api/invoices/void", &[("id", id)]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn voiding_a_sent_invoice_issues_a_numbered_credit_note_and_a_draft_none() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    let client = ada.client("Acme").await;

    // A draft never reached the client: void, and no credit note.
    let (draft, _) = ada.draft(&client).await;
    let voided = void(&ada, &draft).await;
    assert_eq!(voided["document"]["status"], "Void");
    assert!(voided["document"]["credit_note"].is_null(), "{voided}");
    let none = app
        .get_with_cookie(&format!("/invoices/{draft}/credit-note/pdf"), &ada.cookie)
        .await;
    assert_eq!(none.status(), 404);
    assert!(none.text().await.unwrap().contains("no credit note"));

    // A sent one: the first credit note of the series, dated the owner's today.
    let (first, first_number) = sent(&ada, &client).await;
    let voided = void(&ada, &first).await;
    let note = &voided["document"]["credit_note"];
    assert_eq!(note["number"], "CN-0001", "{voided}");
    assert_eq!(note["issued_on"], voided["today"]);
    assert_eq!(note["emailed_to"], "acme@client.test");
    // The client who had the invoice gets the credit note, from Ada, with the PDF.
    let emails = app.emails_of_kind("credit_note").await;
    assert_eq!(emails.len(), 1, "one email, for the sent invoice only");
    let email = &emails[0];
    assert_eq!(email.get_str("to").unwrap(), "acme@client.test");
    assert_eq!(email.get_str("reply_to").unwrap(), "ada@example.com");
    let subject = email.get_str("subject").unwrap();
    assert!(
        subject.contains("CN-0001")
            && subject.contains(&format!("invoice {first_number} is cancelled")),
        "{subject}"
    );
    let text = email.get_str("text").unwrap();
    assert!(text.contains("nothing is owed on it"), "{text}");
    let attached = email.get_array("attachments").unwrap()[0]
        .as_document()
        .unwrap();
    assert_eq!(attached.get_str("filename").unwrap(), "CN-0001.pdf");
    assert_eq!(attached.get_str("content_type").unwrap(), "application/pdf");
    let detail = ada.invoice(&first).await.body;
    assert_eq!(detail["document"]["credit_note"], *note, "kept");

    let response = app
        .get_with_cookie(&format!("/invoices/{first}/credit-note/pdf"), &ada.cookie)
        .await;
    assert_eq!(response.status(), 200);
    let disposition = response.headers()["content-disposition"].to_str().unwrap();
    assert!(disposition.contains("CN-0001.pdf"), "{disposition}");
    let text = pdf_text_of(response).await;
    for expected in [
        "CREDIT NOTE",
        "CN-0001",
        "For invoice",
        first_number.as_str(),
        "Invoice date",
        "2026-01-01",
        "−$200.00",
        "Total credited",
        "−$201.56",
        &format!("cancels invoice {first_number} of 2026-01-01 in full"),
    ] {
        assert!(
            text.contains(expected),
            "“{expected}” is on the credit note:\n{text}"
        );
    }
    // Nothing to pay on it, and the invoice's own notes stay on the invoice.
    for absent in ["PAY ONLINE", "HOW TO PAY", "Amount due", "Thank you!"] {
        assert!(
            !text.contains(absent),
            "“{absent}” is not on the credit note:\n{text}"
        );
    }
    let invoice_pdf = app
        .get_with_cookie(&format!("/invoices/{first}/pdf"), &ada.cookie)
        .await;
    let invoice_text = pdf_text_of(invoice_pdf).await;
    assert!(
        invoice_text.contains("Void: cancelled by credit note CN-0001"),
        "{invoice_text}"
    );

    // The spreadsheet names it beside the invoice.
    let voided = rows(&ada, "/invoices/export.csv?status=void").await;
    let mut notes = column(&voided, "credit_note");
    notes.sort();
    assert_eq!(notes, ["", "CN-0001"], "the voided draft has none");

    // A void that is refused (something was paid) takes no number: the next is CN-0002.
    let (paid, _) = sent(&ada, &client).await;
    assert_eq!(ada.pay(&paid, "50").await.status, 200);
    let refused = ada.form("/api/invoices/void", &[("id", &paid)]).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(ada.invoice(&paid).await.body["document"]["credit_note"].is_null());
    let (second, _) = sent(&ada, &client).await;
    assert_eq!(
        void(&ada, &second).await["document"]["credit_note"]["number"],
        "CN-0002"
    );

    // Voided at once, four invoices get four numbers, one each, with none skipped.
    let mut four = Vec::new();
    for _ in 0..4 {
        four.push(sent(&ada, &client).await.0);
    }
    let voids = join_all(four.iter().map(|id| void(&ada, id))).await;
    let mut numbers: Vec<String> = voids
        .iter()
        .map(|v| {
            v["document"]["credit_note"]["number"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    numbers.sort();
    assert_eq!(numbers, ["CN-0003", "CN-0004", "CN-0005", "CN-0006"]);

    // Another user's series is their own, and Ada's credit notes are not theirs to read.
    let grace = app.user("grace@example.com").await;
    let graces_client = grace.client("Globex").await;
    let (graces, _) = sent(&grace, &graces_client).await;
    assert_eq!(
        void(&grace, &graces).await["document"]["credit_note"]["number"],
        "CN-0001"
    );
    let theirs = app
        .get_with_cookie(&format!("/invoices/{first}/credit-note/pdf"), &grace.cookie)
        .await;
    assert_eq!(theirs.status(), 404);

    // Signed out: sign in first; an address that holds no invoice id is simply not found.
    let signed_out = app
        .http
        .get(app.url(&format!("/invoices/{first}/credit-note/pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), 303);
    assert_eq!(
        signed_out.headers()["location"],
        format!("/sign-in?next=/invoices/{first}").as_str()
    );
    for odd in ["/invoices/%0A/credit-note/pdf", "/invoices/%0A/pdf"] {
        let answer = app.http.get(app.url(odd)).send().await.unwrap();
        assert_eq!(answer.status(), 404, "{odd}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credit_note_that_could_not_be_emailed_is_still_issued_and_can_be_emailed_later() {
    let (app, stand_in) = app_with_resend("re_test_credit_notes").await;
    let ada = app.user_through(&stand_in, "ada@example.com").await;
    let client = ada.client("Acme").await;
    let (id, _) = sent(&ada, &client).await;

    // Resend is down for as long as PayTrack tries.
    stand_in.script([Reply::ServerError; 8]);
    let voided = void(&ada, &id).await;
    let note = &voided["document"]["credit_note"];
    assert_eq!(note["number"], "CN-0001", "the void happened: {voided}");
    assert!(note["emailed_to"].is_null(), "{voided}");
    let tried = stand_in.sent_with_key_prefix(&format!("paytrack-{id}-CN-0001"));
    assert!(tried.is_empty(), "nothing went: {tried:?}");
    // The owner can still download it to send it.
    let pdf = app
        .get_with_cookie(&format!("/invoices/{id}/credit-note/pdf"), &ada.cookie)
        .await;
    assert_eq!(pdf.status(), 200);

    // Or, once Resend answers again, ask PayTrack to email it: it goes, once, with the file.
    stand_in.answer_normally();
    let emailed = ada
        .form("/api/invoices/email-credit-note", &[("id", &id)])
        .await;
    assert_eq!(emailed.status, 200, "{}", emailed.body);
    assert_eq!(
        emailed.body["document"]["credit_note"]["emailed_to"],
        "acme@client.test"
    );
    let went = stand_in.sent_with_key_prefix(&format!("paytrack-{id}-CN-0001"));
    assert_eq!(went.len(), 1, "{went:?}");
    assert_eq!(went[0]["to"][0], "acme@client.test");
    assert_eq!(went[0]["attachments"][0]["filename"], "CN-0001.pdf");
    let again = ada
        .form("/api/invoices/email-credit-note", &[("id", &id)])
        .await;
    assert_eq!(again.status, 422, "{}", again.body);
    assert!(
        again.body["Rejected"]
            .as_str()
            .unwrap()
            .contains("already went to acme@client.test")
    );
    assert_eq!(
        stand_in
            .sent_with_key_prefix(&format!("paytrack-{id}-CN-0001"))
            .len(),
        1,
        "not twice"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credit_note_whose_email_failed_is_emailed_by_its_number_and_no_other_is_touched() {
    let (app, stand_in) = app_with_resend("re_test_reductions").await;
    let ada = app.user_through(&stand_in, "ada@example.com").await;
    let client = ada.client("Acme").await;
    let (id, _) = sent(&ada, &client).await;

    // The first goes; Resend is down for all of the second's tries; the third goes.
    reduced(&ada, &id, "10", "first").await;
    stand_in.script([Reply::ServerError; 8]);
    reduced(&ada, &id, "20", "second").await;
    stand_in.answer_normally();
    let after = reduced(&ada, &id, "30", "third").await;
    let emailed = |invoice: &Value| -> Vec<Value> {
        invoice["document"]["reductions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|note| note["emailed_to"].clone())
            .collect()
    };
    assert_eq!(
        emailed(&after),
        [
            json!("acme@client.test"),
            Value::Null,
            json!("acme@client.test")
        ],
        "{after}"
    );

    // Emailed by its number: it goes once, and only it is marked.
    let again = ada
        .form(
            "/api/invoices/email-credit-note",
            &[("id", &id), ("number", "CN-0002")],
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(emailed(&again.body), vec![json!("acme@client.test"); 3]);
    let went = stand_in.sent_with_key_prefix(&format!("paytrack-{id}-CN-0002"));
    assert_eq!(went.len(), 1, "{went:?}");
    assert_eq!(went[0]["attachments"][0]["filename"], "CN-0002.pdf");
    for (number, status, says) in [
        ("CN-0002", 422, "already went to acme@client.test"),
        ("CN-0099", 404, "doesn't exist"),
    ] {
        let refused = ada
            .form(
                "/api/invoices/email-credit-note",
                &[("id", &id), ("number", number)],
            )
            .await;
        assert_eq!(refused.status, status, "{}", refused.body);
        assert!(refused.body.to_string().contains(says), "{}", refused.body);
    }
    assert_eq!(
        stand_in
            .sent_with_key_prefix(&format!("paytrack-{id}-CN-0002"))
            .len(),
        1,
        "not twice"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_downloads_the_credit_notes_that_reduced_their_invoice_from_its_link() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    let client = ada.client("Acme").await;
    let (id, number) = sent(&ada, &client).await;
    let (other, _) = sent(&ada, &client).await;
    let token_of = |invoice: &Value| {
        let url = invoice["public_url"].as_str().expect("a client's link");
        url.rsplit('/').next().unwrap().to_string()
    };
    let token = token_of(&ada.invoice(&id).await.body);
    let other_token = token_of(&ada.invoice(&other).await.body);
    reduced(&ada, &id, "20.16", "Stamps not needed").await;

    // The client's page lists it (and so offers its PDF) …
    let page: Value = app
        .call("/api/public/invoice", &[("token", token.as_str())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["reductions"][0]["number"], "CN-0001", "{page}");
    // … which is the one the owner has, for anyone holding the link.
    let get = |path: String| {
        let request = app.http.get(app.url(&path));
        async move { request.send().await.unwrap() }
    };
    let pdf = get(format!("/i/{token}/credit-notes/CN-0001/pdf")).await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert_eq!(pdf.headers()["cache-control"], "private, no-store");
    let text = pdf_text_of(pdf)
        .await
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("CN-0001"), "{text}");
    assert!(
        text.contains(&format!("Reduction of invoice {number}: Stamps not needed")),
        "{text}"
    );

    // Another invoice's link doesn't reach it, nor does a number it doesn't have or a link
    // that is no link.
    let elsewhere = get(format!("/i/{other_token}/credit-notes/CN-0001/pdf")).await;
    assert_eq!(elsewhere.status(), 404);
    assert!(
        elsewhere
            .text()
            .await
            .unwrap()
            .contains("no credit note CN-0001")
    );
    let unknown = get(format!("/i/{token}/credit-notes/CN-0009/pdf")).await;
    assert_eq!(unknown.status(), 404);
    let no_link =
        get("/i/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/credit-notes/CN-0001/pdf".into()).await;
    assert_eq!(no_link.status(), 404);
    assert!(
        no_link
            .text()
            .await
            .unwrap()
            .contains("doesn't work any more")
    );
    let malformed = get("/i/nope/credit-notes/CN-0001/pdf".into()).await;
    assert_eq!(malformed.status(), 404);

    // Settled by a second one, the invoice's link still gives both.
    let settled = reduced(&ada, &id, "181.40", "Agreed final price").await;
    assert_eq!(settled["document"]["status"], "Paid");
    for number in ["CN-0001", "CN-0002"] {
        let pdf = get(format!("/i/{token}/credit-notes/{number}/pdf")).await;
        assert_eq!(pdf.status(), 200, "{number}");
    }
}
