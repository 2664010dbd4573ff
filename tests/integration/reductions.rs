//! A credit note that takes part of what a sent invoice owes off its price: numbered in the
//! owner's series with the voids' credit notes, its taxes shared pro rata, emailed to the
//! client with its PDF; what is owed, the invoice's PDF, the spreadsheet and the Stripe link
//! follow, and taking off all that is left of a partly paid invoice settles it.

use futures::future::join_all;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{DateTime, Document, doc};
use paytrack::domain::date::CalendarDate;
use paytrack::domain::status::InvoiceStatus;
use paytrack::server::db::invoices::{self, Reducing};
use serde_json::{Value, json};

use crate::common::billing::User;
use crate::common::pdf::pdf_text_of;
use crate::common::sheets::{column, rows};
use crate::common::spawn_app;
use crate::credit_notes::sent;
use crate::stripe_connect::app_with_stripe;
use crate::stripe_payments::{KEY, TOTAL, send_one, with_client};

async fn reduce(
    user: &User<'_>,
    id: &str,
    amount: &str,
    reason: &str,
) -> crate::common::billing::Answer {
    user.json(
        "/api/invoices/reduce",
        json!({ "id": id, "reduction": { "amount": amount, "reason": reason } }),
    )
    .await
}

/// Reduces `id` and returns the invoice after it.
pub async fn reduced(user: &User<'_>, id: &str, amount: &str, reason: &str) -> Value {
    let answer = reduce(user, id, amount, reason).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["Reduced"].clone()
}

fn minor(money: &Value) -> i64 {
    money["minor"]
        .as_i64()
        .unwrap_or_else(|| panic!("an amount: {money}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credit_note_takes_part_of_what_is_owed_off_and_all_of_what_is_left_settles_it() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    let client = ada.client("Acme").await;
    // $201.56: 191.96 after the discount, and 9.60 of sales tax.
    let (id, number) = sent(&ada, &client).await;

    let after = reduced(&ada, &id, "20.16", "  Stamps\n not needed ").await;
    let document = &after["document"];
    assert_eq!(document["status"], "Open");
    assert_eq!(minor(&document["totals"]["credited"]), 2_016);
    assert_eq!(minor(&document["totals"]["due"]), 18_140);
    let note = &document["reductions"][0];
    assert_eq!(note["number"], "CN-0001", "{after}");
    assert_eq!(note["issued_on"], after["today"]);
    assert_eq!(note["reduces"]["reason"], "Stamps not needed");
    assert_eq!(minor(&note["reduces"]["owed_after"]), 18_140);
    assert_eq!(note["emailed_to"], "acme@client.test");

    // The client gets it from Ada, with the PDF.
    let emails = app.emails_of_kind("credit_note").await;
    assert_eq!(emails.len(), 1);
    let subject = emails[0].get_str("subject").unwrap();
    assert!(
        subject.contains(&format!("invoice {number} is reduced by $20.16")),
        "{subject}"
    );
    let text = emails[0].get_str("text").unwrap();
    assert!(text.contains("Left to pay on it: $181.40."), "{text}");
    let attached = emails[0].get_array("attachments").unwrap()[0]
        .as_document()
        .unwrap();
    assert_eq!(attached.get_str("filename").unwrap(), "CN-0001.pdf");

    // Its PDF: one line, the tax's share of it (20.16 × 9.60 / 201.56 = 0.96), what is left.
    let pdf = app
        .get_with_cookie(
            &format!("/invoices/{id}/credit-notes/CN-0001/pdf"),
            &ada.cookie,
        )
        .await;
    assert_eq!(pdf.status(), 200);
    // Lines as one text: the sentence wraps.
    let text = pdf_text_of(pdf)
        .await
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for expected in [
        "CREDIT NOTE",
        "CN-0001",
        &format!("Reduction of invoice {number}: Stamps not needed"),
        "−$19.20",
        "−$0.96",
        "Total credited",
        "−$20.16",
        "REDUCES",
        &format!(
            "reduces invoice {number} of 2026-01-01 by $20.16 (Stamps not needed). Left to pay on the invoice after it: $181.40."
        ),
    ] {
        assert!(
            text.contains(expected),
            "“{expected}” is on the credit note:\n{text}"
        );
    }
    for absent in ["Design", "PAY ONLINE", "Amount due", "CANCELS"] {
        assert!(!text.contains(absent), "“{absent}” is not on it:\n{text}");
    }
    // The invoice's own PDF takes it off what is due.
    let invoice_pdf = app
        .get_with_cookie(&format!("/invoices/{id}/pdf"), &ada.cookie)
        .await;
    let text = pdf_text_of(invoice_pdf).await;
    for expected in ["Credit note CN-0001", "−$20.16", "Amount due", "$181.40"] {
        assert!(
            text.contains(expected),
            "“{expected}” is on the invoice:\n{text}"
        );
    }

    // Bad input says what is wrong and changes nothing: no number is taken.
    let refused = reduce(&ada, &id, "181.41", "").await;
    assert_eq!(refused.status, 200, "{}", refused.body);
    let errors = &refused.body["Invalid"];
    assert!(
        errors["amount"]
            .as_str()
            .unwrap()
            .contains("more than the $181.40 still owed"),
        "{errors}"
    );
    assert!(
        errors["reason"].as_str().unwrap().starts_with("Say why"),
        "{errors}"
    );
    // Reduced, it can no longer be voided in full.
    let void = ada.form("/api/invoices/void", &[("id", &id)]).await;
    assert_eq!(void.status, 422, "{}", void.body);
    assert!(
        void.body["Rejected"]
            .as_str()
            .unwrap()
            .contains("CN-0001 already reduced")
    );
    let unchanged = ada.invoice(&id).await.body;
    assert_eq!(minor(&unchanged["document"]["totals"]["due"]), 18_140);
    assert_eq!(unchanged["document"]["status"], "Open");

    // Paid in part, then the rest taken off: settled, and nothing more can come off.
    assert_eq!(ada.pay(&id, "100").await.status, 200);
    let settled = reduced(&ada, &id, "81.40", "Goodwill").await;
    assert_eq!(settled["document"]["status"], "Paid");
    assert_eq!(minor(&settled["document"]["totals"]["due"]), 0);
    assert_eq!(settled["document"]["reductions"][1]["number"], "CN-0002");
    let more = reduce(&ada, &id, "1", "again").await;
    assert_eq!(more.status, 422, "{}", more.body);
    assert!(more.body["Rejected"].as_str().unwrap().contains("is paid"));

    // The spreadsheet: what was credited, and both credit notes.
    let sheet = rows(&ada, "/invoices/export.csv").await;
    assert_eq!(column(&sheet, "credited"), ["101.56"]);
    assert_eq!(column(&sheet, "due"), ["0.00"]);
    assert_eq!(column(&sheet, "credit_note"), ["CN-0001 CN-0002"]);

    // A draft is edited rather than credited; all of an untouched invoice is a void.
    let (draft, _) = ada.draft(&client).await;
    let refused = reduce(&ada, &draft, "1", "x").await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body["Rejected"]
            .as_str()
            .unwrap()
            .contains("A draft")
    );
    let (whole, _) = sent(&ada, &client).await;
    let refused = reduce(&ada, &whole, "201.56", "all of it").await;
    assert!(
        refused.body["Invalid"]["amount"]
            .as_str()
            .unwrap()
            .contains("void it instead"),
        "{}",
        refused.body
    );

    // Two reductions decided from the same figures at once: one happens, the other is told
    // the invoice changed, and the series has no gap.
    let both = join_all([
        reduce(&ada, &whole, "10", "first"),
        reduce(&ada, &whole, "20", "second"),
    ])
    .await;
    let done: Vec<&Value> = both
        .iter()
        .filter(|a| a.status == 200)
        .map(|a| &a.body)
        .collect();
    assert!(!done.is_empty(), "{both:?}");
    for answer in both.iter().filter(|a| a.status != 200) {
        assert_eq!(answer.status, 422, "{}", answer.body);
        assert!(
            answer.body["Rejected"]
                .as_str()
                .unwrap()
                .contains("changed")
        );
    }
    // However the two interleave: a reduction decided from what was owed before another
    // change is refused at the write, and takes no number.
    let oid = ObjectId::parse_str(&whole).unwrap();
    let stored = app
        .db
        .collection::<Document>("invoices")
        .find_one(doc! { "_id": oid })
        .await
        .unwrap()
        .unwrap();
    let stale = Reducing {
        owner: stored.get_object_id("user_id").unwrap(),
        id: oid,
        from: InvoiceStatus::Open,
        due_before: TOTAL,
        amount_minor: 100,
        reason: "decided from stale figures",
        issued_on: CalendarDate::parse("2026-12-05").unwrap(),
        now: DateTime::now(),
    };
    assert!(invoices::reduce(&app.db, &stale).await.unwrap().is_none());
    // What the dashboard counts as owed moved with every reduction, in the same writes.
    let (kept, summed) = crate::common::owed_kept_and_summed(&app.db, stale.owner).await;
    assert_eq!(kept, summed);
    let owed: i64 = kept.iter().map(|day| day.minor).sum();
    let whole_due = ada.invoice(&whole).await.body["document"]["totals"]["due"].clone();
    assert_eq!(owed, minor(&whole_due), "only the reduced invoice is owed");
    let next = reduced(&ada, &whole, "1", "one more").await;
    let numbers: Vec<&str> = next["document"]["reductions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["number"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (3..3 + numbers.len())
        .map(|n| format!("CN-{n:04}"))
        .collect();
    assert_eq!(numbers, expected);
    let credited: i64 = next["document"]["reductions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| minor(&n["reduces"]["amount"]))
        .sum();
    assert_eq!(minor(&next["document"]["totals"]["due"]), TOTAL - credited);

    // Another user: not found, and Ada's invoice unchanged; their series is their own.
    let grace = app.user("grace@example.com").await;
    let theirs = reduce(&grace, &whole, "1", "mine now").await;
    assert_eq!(theirs.status, 404, "{}", theirs.body);
    let pdf = app
        .get_with_cookie(
            &format!("/invoices/{id}/credit-notes/CN-0001/pdf"),
            &grace.cookie,
        )
        .await;
    assert_eq!(pdf.status(), 404);
    assert_eq!(
        minor(&ada.invoice(&whole).await.body["document"]["totals"]["due"]),
        TOTAL - credited
    );
    // Signed out: 401, not a reduction.
    let anonymous = app
        .http
        .post(app.url("/api/invoices/reduce"))
        .json(&json!({ "id": whole, "reduction": { "amount": "1", "reason": "x" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    let missing = app
        .get_with_cookie(
            &format!("/invoices/{id}/credit-notes/CN-0099/pdf"),
            &ada.cookie,
        )
        .await;
    assert_eq!(missing.status(), 404);
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("no credit note CN-0099")
    );
}

#[tokio::test]
async fn a_reduction_gives_the_client_a_payment_link_for_what_is_left() {
    let (app, stripe) = app_with_stripe().await;
    let (user, client) = with_client(&app, "reduced@example.com", KEY, "Hooli").await;
    let part = send_one(&user, &client).await;

    let after = reduced(&user, &part.id, "50", "Half a day less").await;
    assert_eq!(
        stripe.object(&part.link).unwrap()["active"],
        false,
        "the link for the old amount takes no more payments"
    );
    let new_url = after["document"]["pay_url"].as_str().unwrap();
    assert_ne!(new_url, part.url);
    let new_link = stripe
        .object(new_url.rsplit("test_").next().unwrap())
        .unwrap();
    assert_eq!(new_link["__amount"], TOTAL - 5_000);
    assert_eq!(new_link["active"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_credit_note_is_in_one_register_with_what_it_took_back() {
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    let client = ada.client("Acme").await;
    let (voided, voided_number) = sent(&ada, &client).await;
    let void = ada.form("/api/invoices/void", &[("id", &voided)]).await;
    assert_eq!(void.status, 200, "{}", void.body);
    let (cut, cut_number) = sent(&ada, &client).await;
    reduced(&ada, &cut, "20.16", "Stamps not needed").await;
    // Someone else's credit notes are theirs alone.
    let grace = app.user("grace@example.com").await;
    let graces_client = grace.client("Globex").await;
    let (graces, _) = sent(&grace, &graces_client).await;
    reduced(&grace, &graces, "1", "Grace's own").await;

    let sheet = rows(&ada, "/invoices/credit-notes.csv").await;
    assert_eq!(column(&sheet, "number"), ["CN-0001", "CN-0002"]);
    assert_eq!(column(&sheet, "kind"), ["cancels", "reduces"]);
    assert_eq!(column(&sheet, "invoice"), [voided_number, cut_number]);
    assert_eq!(column(&sheet, "invoice_date"), ["2026-01-01", "2026-01-01"]);
    assert_eq!(column(&sheet, "client"), ["Acme", "Acme"]);
    assert_eq!(column(&sheet, "reason"), ["", "Stamps not needed"]);
    assert_eq!(column(&sheet, "currency"), ["USD", "USD"]);
    // What the credit note PDFs say: all of 201.56 (191.96 + 9.60 of tax), and 20.16 of
    // which the tax's share is 0.96.
    assert_eq!(column(&sheet, "net"), ["191.96", "19.20"]);
    assert_eq!(column(&sheet, "tax"), ["9.60", "0.96"]);
    assert_eq!(column(&sheet, "total"), ["201.56", "20.16"]);
    assert_eq!(
        column(&sheet, "emailed_to"),
        ["acme@client.test", "acme@client.test"]
    );
    let sheet = rows(&grace, "/invoices/credit-notes.csv").await;
    assert_eq!(column(&sheet, "reason"), ["Grace's own"]);

    // Signed out: sign in first, and back to the invoices.
    let signed_out = app
        .http
        .get(app.url("/invoices/credit-notes.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), 303);
    assert_eq!(signed_out.headers()["location"], "/sign-in?next=/invoices");
}
