//! Invoice server functions. Each one says who asks, parses, calls one operation of
//! `server::invoicing` or `server::payments`, and maps the answer to the wire types in `wire`.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::api::clients::ClientChoice;
use crate::browser_json::BrowserJson;
pub use crate::domain::bulk::BulkOutcome;
use crate::domain::credit_note::ReductionInput;
use crate::domain::date::CalendarDate;
use crate::domain::invoice_draft::InvoiceInput;
use crate::domain::invoice_list::ListParams;
use crate::domain::money::Currency;
use crate::domain::payment::PaymentInput;
#[cfg(feature = "ssr")]
use crate::domain::tax::Tax;
use crate::error::AppError;

#[cfg(feature = "ssr")]
pub mod views;
pub mod wire;

pub use wire::*;

#[cfg(feature = "ssr")]
use {
    crate::api::ssr::{signed_in_with_id, who_asks},
    crate::server::invoicing::{self, drafts, drafts::DraftSave, sending},
    crate::server::jobs::plan::today_of,
};

/// What the editor needs before it can show a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditorContext {
    pub today: CalendarDate,
    /// Active clients by name (and the invoice's own, whatever it is), up to a thousand.
    pub clients: Vec<ClientChoice>,
    /// Whether the user has more active clients than `clients` holds: the picker then searches.
    pub more_clients: bool,
    /// What a new invoice starts with, from the business profile.
    pub default_taxes: String,
    pub default_notes: String,
    /// What a new invoice is in until a client is chosen (`server::clients::usual_currency`).
    pub currency: Currency,
}

#[cfg(feature = "ssr")]
impl From<drafts::EditorStart> for EditorContext {
    fn from(start: drafts::EditorStart) -> Self {
        EditorContext {
            today: start.today,
            clients: start
                .choices
                .clients
                .into_iter()
                .map(ClientChoice::from)
                .collect(),
            more_clients: start.choices.more,
            default_taxes: Tax::list_text(&start.default_taxes),
            default_notes: start.default_notes,
            currency: start.currency,
        }
    }
}

#[cfg(feature = "ssr")]
fn saved(outcome: DraftSave) -> InvoiceSave {
    match outcome {
        DraftSave::Saved(invoice) => InvoiceSave::Saved {
            id: invoice.id.to_hex(),
            number: invoice.number,
        },
        DraftSave::Invalid(errors) => InvoiceSave::Invalid(*errors),
    }
}

#[server(prefix = "/api", endpoint = "invoices/list", input = Json, output = BrowserJson)]
pub async fn list_invoices(params: ListParams) -> Result<InvoicePage, AppError> {
    use crate::server::invoicing::listing::{PAGE_SIZE, list};

    let (user, state) = who_asks().await?;
    let query = params.parse().map_err(AppError::Rejected)?;
    let today = today_of(&user);
    let page = list(&state, user.id, &query, today, PAGE_SIZE).await?;
    Ok(InvoicePage {
        rows: page.invoices.iter().map(|i| views::row(i, today)).collect(),
        next: page.next,
    })
}

#[server(prefix = "/api", endpoint = "invoices/get", output = BrowserJson)]
pub async fn get_invoice(id: String) -> Result<InvoiceDetail, AppError> {
    let (user, id, state) = signed_in_with_id(&id, "invoice").await?;
    let (invoice, pay_way) = invoicing::for_page(&state, &user, id).await?;
    Ok(InvoiceDetail {
        pay_way,
        ..views::detail(&state, &invoice, &user, today_of(&user))
    })
}

/// What the editor needs; `client` is the one the invoice is for (editing), or that a client's
/// page asked for (new), which the picker offers whatever else it holds.
#[server(prefix = "/api", endpoint = "invoices/editor", output = BrowserJson)]
pub async fn load_editor_context(
    #[server(default)] client: String,
) -> Result<EditorContext, AppError> {
    let (user, state) = who_asks().await?;
    // An id that does not read is one the picker simply does not add.
    let client = crate::server::db::parse_id(&client, "client").ok();
    Ok(drafts::editor_start(&state, &user, client).await?.into())
}

#[server(prefix = "/api", endpoint = "invoices/create", input = Json, output = BrowserJson)]
pub async fn create_invoice(input: InvoiceInput) -> Result<InvoiceSave, AppError> {
    let (user, state) = who_asks().await?;
    drafts::create(&state, &user, &input).await.map(saved)
}

#[server(prefix = "/api", endpoint = "invoices/update", input = Json, output = BrowserJson)]
pub async fn update_invoice(id: String, input: InvoiceInput) -> Result<InvoiceSave, AppError> {
    let (user, id, state) = signed_in_with_id(&id, "invoice").await?;
    drafts::update(&state, &user, id, &input).await.map(saved)
}

/// A new draft with the same client and lines, dated today with the same payment terms.
#[server(prefix = "/api", endpoint = "invoices/duplicate", output = BrowserJson)]
pub async fn duplicate_invoice(id: String) -> Result<InvoiceSave, AppError> {
    let (user, id, state) = signed_in_with_id(&id, "invoice").await?;
    drafts::duplicate(&state, &user, id).await.map(saved)
}

#[server(prefix = "/api", endpoint = "invoices/send", output = BrowserJson)]
pub async fn send_invoice(id: String) -> Result<InvoiceDetail, AppError> {
    let (user, id, state) = signed_in_with_id(&id, "invoice").await?;
    let sent = sending::send(&state, &user, id).await?;
    Ok(views::detail(&state, &sent, &user, today_of(&user)))
}

#[server(prefix = "/api", endpoint = "invoices/void", output = BrowserJson)]
pub async fn void_invoice(id: String) -> Result<InvoiceDetail, AppError> {
    let (user, id, state) = signed_in_with_id(&id, "invoice").await?;
    let voided = sending::void(&state, &user, id).await?;
    Ok(views::detail(&state, &voided, &user, today_of(&user)))
}

/// Emails credit note `number` (without one: the one that cancelled the invoice) whose email
/// did not go when it was issued.
#[server(prefix = "/api", endpoint = "invoices/email-credit-note", output = BrowserJson)]
pub async fn email_credit_note(
    id: String,
    number: Option<String>,
) -> Result<InvoiceDetail, AppError> {
    let (user, id, state) = signed_in_with_id(&id, "invoice").await?;
    let number = number.as_deref();
    let emailed = invoicing::credit_notes::email_again(&state, &user, id, number).await?;
    Ok(views::detail(&state, &emailed, &user, today_of(&user)))
}

/// Takes part of what a sent invoice owes off its price with a credit note to the client.
#[server(prefix = "/api", endpoint = "invoices/reduce", input = Json, output = BrowserJson)]
pub async fn reduce_invoice(
    id: String,
    reduction: ReductionInput,
) -> Result<ReductionSave, AppError> {
    use crate::server::invoicing::reductions::{Reduced, reduce};

    let (user, id, state) = signed_in_with_id(&id, "invoice").await?;
    match reduce(&state, &user, id, &reduction).await? {
        Reduced::Saved(invoice) => Ok(ReductionSave::Reduced(Box::new(views::detail(
            &state,
            &invoice,
            &user,
            today_of(&user),
        )))),
        Reduced::Invalid(errors) => Ok(ReductionSave::Invalid(*errors)),
    }
}

#[server(prefix = "/api", endpoint = "invoices/write-off", output = BrowserJson)]
pub async fn write_off_invoice(id: String) -> Result<InvoiceDetail, AppError> {
    let (user, id, state) = signed_in_with_id(&id, "invoice").await?;
    let written_off = sending::write_off(&state, &user, id).await?;
    Ok(views::detail(&state, &written_off, &user, today_of(&user)))
}

/// Deletes a draft. Sent invoices are records and are voided instead.
#[server(prefix = "/api", endpoint = "invoices/delete", output = BrowserJson)]
pub async fn delete_draft(id: String) -> Result<(), AppError> {
    let (user, id, state) = signed_in_with_id(&id, "invoice").await?;
    drafts::delete(&state, &user, id).await
}

/// Records a payment received outside Stripe; the invoice becomes partially paid or paid.
#[server(prefix = "/api", endpoint = "invoices/payment", input = Json, output = BrowserJson)]
pub async fn record_payment(id: String, payment: PaymentInput) -> Result<PaymentSave, AppError> {
    use crate::server::payments::by_hand::record_by_hand;
    use crate::server::payments::record::Recorded;

    let (user, id, state) = signed_in_with_id(&id, "invoice").await?;
    let today = today_of(&user);
    match record_by_hand(&state, &user, id, &payment, today).await? {
        Recorded::Saved { invoice, .. } => Ok(PaymentSave::Recorded(Box::new(views::detail(
            &state, &invoice, &user, today,
        )))),
        Recorded::Invalid(errors) => Ok(PaymentSave::Invalid(errors)),
        // Only a Stripe payment can find the invoice closed or itself on it already; a typed
        // one is refused first.
        Recorded::NotCollectable | Recorded::AlreadyRecorded => Err(AppError::Internal),
    }
}

/// A new link for the client (the old one stops working), e.g. after it was forwarded by mistake.
#[server(prefix = "/api", endpoint = "invoices/new-link", output = BrowserJson)]
pub async fn replace_public_link(id: String) -> Result<InvoiceDetail, AppError> {
    let (user, id, state) = signed_in_with_id(&id, "invoice").await?;
    let saved = sending::replace_public_link(&state, &user, id).await?;
    Ok(views::detail(&state, &saved, &user, today_of(&user)))
}

/// Takes a payment recorded by hand off the invoice; what it paid is owed again.
#[server(prefix = "/api", endpoint = "invoices/remove-payment", output = BrowserJson)]
pub async fn remove_payment(id: String, payment_id: String) -> Result<InvoiceDetail, AppError> {
    let (user, id, state) = signed_in_with_id(&id, "invoice").await?;
    let payment_id = crate::server::db::parse_id(&payment_id, "payment")?;
    let saved =
        crate::server::payments::by_hand::remove_by_hand(&state, &user, id, payment_id).await?;
    Ok(views::detail(&state, &saved, &user, today_of(&user)))
}

/// Records that part or all of a payment recorded by hand went back to the client.
#[server(prefix = "/api", endpoint = "invoices/refund-payment", output = BrowserJson)]
pub async fn refund_payment(
    id: String,
    payment_id: String,
    amount: String,
) -> Result<InvoiceDetail, AppError> {
    let (user, id, state) = signed_in_with_id(&id, "invoice").await?;
    let payment_id = crate::server::db::parse_id(&payment_id, "payment")?;
    let saved =
        crate::server::payments::by_hand::refund_by_hand(&state, &user, id, payment_id, &amount)
            .await?;
    Ok(views::detail(&state, &saved, &user, today_of(&user)))
}

/// How the invoices sent now will say to pay, asked before several drafts go out at once (one
/// draft's page says it with the draft).
#[server(prefix = "/api", endpoint = "invoices/pay-way", output = BrowserJson)]
pub async fn pay_way_now() -> Result<PayWay, AppError> {
    let (user, state) = who_asks().await?;
    sending::pay_way_now(&state, &user).await
}

/// Sends or voids several invoices at once; each is checked on its own, and the ones that
/// cannot change are listed with the reason.
#[server(prefix = "/api", endpoint = "invoices/bulk", input = Json, output = BrowserJson)]
pub async fn bulk_action(
    ids: Vec<String>,
    action: crate::domain::bulk::BulkAction,
) -> Result<BulkOutcome, AppError> {
    let (user, state) = who_asks().await?;
    crate::server::invoicing::bulk::apply(&state, &user, action, &ids).await
}
