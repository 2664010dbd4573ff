//! Invoice numbers: running on from a number the user chooses, or a series per year of issue;
//! never onto or behind a number in use; the newest draft's number given back when it is
//! deleted.

use paytrack::api::business::{BusinessForm, GetBusiness};

use crate::common::billing::{User, invoice_input};
use crate::common::spawn_app;

/// Saves the numbering as the page's form does (URL-encoded).
async fn save_numbering(
    user: &User<'_>,
    numbering: &str,
    next: &str,
) -> paytrack::api::business::NumberingSave {
    let form = paytrack::api::business::SaveNumbering {
        numbering: numbering.to_string(),
        next: next.to_string(),
    };
    let answer = user.call_form(&form).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    serde_json::from_value(answer.body).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_run_on_from_a_chosen_number_or_by_year_and_never_repeat() {
    use paytrack::api::business::NumberingSave;
    let app = spawn_app().await;
    let ada = app.user("ada@example.com").await;
    let client = ada.client("Acme").await;

    let (_, first) = ada.draft(&client).await;
    assert_eq!(first, "INV-0001");
    // Carrying on from another tool: the next invoice is INV-1042.
    let saved: NumberingSave = save_numbering(&ada, "continuous", "1042").await;
    assert_eq!(saved, NumberingSave::Saved("INV-1042".to_string()));
    let (_, moved) = ada.draft(&client).await;
    assert_eq!(moved, "INV-1042");
    // Never onto or behind a number in use; nothing changes when refused.
    for used in ["1042", "5", "abc"] {
        let NumberingSave::Invalid {
            next: Some(why), ..
        } = save_numbering(&ada, "continuous", used).await
        else {
            panic!("{used} is refused");
        };
        assert!(why.contains("INV-1042") || why.contains("abc"), "{why}");
    }
    let form: BusinessForm = ada.ok(&GetBusiness {}).await;
    assert_eq!(form.next_number, "INV-1043");

    // By year: the series of the year of issue, from 1; the next number moves this year's.
    let saved: NumberingSave = save_numbering(&ada, "yearly", "").await;
    let NumberingSave::Saved(preview) = saved else {
        panic!("yearly numbering is saved");
    };
    let today = ada
        .call_form(&paytrack::api::invoices::LoadEditorContext {
            client: String::new(),
        })
        .await
        .body["today"]
        .as_str()
        .unwrap()
        .to_string();
    let year = &today[..4];
    assert_eq!(preview, format!("INV-{year}-0001"));
    let mut input = invoice_input(&client);
    input.issue_date = "2025-06-01".to_string();
    input.due_date = "2025-07-01".to_string();
    let (old, in_2025) = ada.draft_with(input).await;
    assert_eq!(in_2025, "INV-2025-0001");
    save_numbering(&ada, "yearly", "7").await;
    let mut input = invoice_input(&client);
    input.issue_date = today.clone();
    input.due_date = today.clone();
    let (_, seventh) = ada.draft_with(input.clone()).await;
    assert_eq!(seventh, format!("INV-{year}-0007"));
    let NumberingSave::Invalid {
        next: Some(why), ..
    } = save_numbering(&ada, "yearly", "6").await
    else {
        panic!("a number behind one in use is refused");
    };
    assert!(why.contains(&format!("INV-{year}-0007")), "{why}");
    // Deleting the newest draft of a series gives its number back.
    let deleted = ada
        .call_form(&paytrack::api::invoices::DeleteDraft { id: old })
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    input.issue_date = "2025-06-02".to_string();
    input.due_date = "2025-07-02".to_string();
    let (_, again) = ada.draft_with(input).await;
    assert_eq!(again, "INV-2025-0001");
}
