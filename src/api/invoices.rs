//! Invoice server functions. Thin: sign-in check → domain (parse, status transition, totals)
//! → an owner-scoped repository call. Another user's invoice id reads as "not found".

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::api::clients::ClientSummary;
use crate::domain::date::CalendarDate;
use crate::domain::invoice::Totals;
use crate::domain::invoice_draft::{InvoiceErrors, InvoiceInput};
use crate::domain::invoice_list::ListParams;
use crate::domain::money::Money;
use crate::domain::payment::{PaymentErrors, PaymentInput};
use crate::domain::status::InvoiceStatus;
use crate::error::AppError;

/// One line of the invoice list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceRow {
    pub id: String,
    pub number: String,
    pub client_id: String,
    pub client_name: String,
    pub status: InvoiceStatus,
    pub overdue: bool,
    pub issue_date: CalendarDate,
    pub due_date: CalendarDate,
    pub total: Money,
    pub due: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoicePage {
    pub rows: Vec<InvoiceRow>,
    /// Pass as `after` to get the next page; `None` on the last page.
    pub next: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillToView {
    pub name: String,
    pub company: Option<String>,
    pub address: Option<String>,
    pub emails: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineView {
    pub description: String,
    pub quantity: String,
    pub unit_price: Money,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentView {
    pub amount: Money,
    pub date: CalendarDate,
    pub method: String,
}

/// What the printed invoice and the client's public page show: nothing of the account beyond
/// the sender's name and address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDocument {
    pub number: String,
    pub status: InvoiceStatus,
    pub overdue: bool,
    pub days_overdue: i64,
    pub from_name: String,
    pub from_email: String,
    pub bill_to: BillToView,
    pub issue_date: CalendarDate,
    pub due_date: CalendarDate,
    pub lines: Vec<LineView>,
    /// "Discount (10%)" or "Discount", when there is one.
    pub discount_label: Option<String>,
    /// "Tax (5% + 9.975%)", when there is tax.
    pub tax_label: Option<String>,
    pub totals: Totals,
    pub notes: Option<String>,
    pub payments: Vec<PaymentView>,
    /// Stripe's page where the client pays what is due, while it takes payments.
    pub pay_url: Option<String>,
    /// A payment made through Stripe is settling (a bank debit): not paid yet.
    pub payment_processing: bool,
    /// The client's page carries "Sent with PayTrack" (the sender is on Free).
    pub branded: bool,
}

/// The owner's view of one invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDetail {
    pub id: String,
    pub client_id: String,
    pub document: InvoiceDocument,
    /// The client's link, once sent (and until voided or replaced).
    pub public_url: Option<String>,
    /// The editor's text for this invoice (drafts are edited with it).
    pub input: InvoiceInput,
    /// Today in the user's time zone (the payment form's default date).
    pub today: CalendarDate,
}

/// What the editor needs before it can show a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditorContext {
    pub today: CalendarDate,
    pub clients: Vec<ClientSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvoiceSave {
    Saved { id: String, number: String },
    Invalid(InvoiceErrors),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentSave {
    Recorded(Box<InvoiceDetail>),
    Invalid(PaymentErrors),
}

/// What a bulk action did: how many invoices it changed, and why it skipped the others.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkOutcome {
    pub done: u32,
    pub skipped: Vec<String>,
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use mongodb::bson::DateTime;
    use mongodb::bson::oid::ObjectId;

    use super::*;
    use crate::api::ssr::{db_error, not_found};
    use crate::domain::invoice::Discount;
    use crate::domain::status::InvoiceEvent;
    use crate::server::db::activity::{self, ActivityKind};
    use crate::server::db::invoices::{self, InvoiceDoc, ListError};
    use crate::server::db::users::UserDoc;
    use crate::server::state::AppState;

    pub fn row(invoice: &InvoiceDoc, today: CalendarDate) -> InvoiceRow {
        InvoiceRow {
            id: invoice.id.to_hex(),
            number: invoice.number.clone(),
            client_id: invoice.client_id.to_hex(),
            client_name: invoice.bill_to.name.clone(),
            status: invoice.status,
            overdue: invoice.status.is_overdue(invoice.due_date, today),
            issue_date: invoice.issue_date,
            due_date: invoice.due_date,
            total: Money::from_minor(invoice.total_minor, invoice.currency),
            due: Money::from_minor(invoice.due_minor, invoice.currency),
        }
    }

    pub fn list_error(err: ListError) -> AppError {
        match err {
            ListError::BadCursor => AppError::BadRequest(err.to_string()),
            ListError::Db(err) => crate::server::db::user_facing("listing invoices", err),
        }
    }

    pub fn write_failure(context: &'static str) -> impl Fn(invoices::WriteError) -> AppError {
        move |err| match err {
            invoices::WriteError::Db(err) => crate::server::db::user_facing(context, err),
            invoices::WriteError::Encode(err) => {
                tracing::error!(error = %err, "{context}: encoding");
                AppError::Internal
            }
        }
    }

    pub fn document(invoice: &InvoiceDoc, user: &UserDoc, today: CalendarDate) -> InvoiceDocument {
        let money = |minor| Money::from_minor(minor, invoice.currency);
        let paid = invoice.paid_minor;
        // Computed again rather than read back, so the page and the stored figures come from
        // the one function; they agree unless the document was edited by hand.
        let totals = invoice.draft().totals(paid).unwrap_or(Totals {
            subtotal: money(invoice.subtotal_minor),
            discount: money(invoice.discount_minor),
            tax: money(invoice.tax_minor),
            total: money(invoice.total_minor),
            paid: money(paid),
            due: money(invoice.due_minor),
        });
        let overdue = invoice.status.is_overdue(invoice.due_date, today);
        InvoiceDocument {
            number: invoice.number.clone(),
            status: invoice.status,
            overdue,
            days_overdue: if overdue {
                invoice.due_date.days_until(today)
            } else {
                0
            },
            from_name: user.name.clone(),
            from_email: user.email.clone(),
            bill_to: BillToView {
                name: invoice.bill_to.name.clone(),
                company: invoice.bill_to.company.clone(),
                address: invoice.bill_to.address.clone(),
                emails: invoice.bill_to.emails.clone(),
            },
            issue_date: invoice.issue_date,
            due_date: invoice.due_date,
            lines: invoice
                .lines
                .iter()
                .map(|line| {
                    let amount = crate::domain::invoice::totals(
                        invoice.currency,
                        std::slice::from_ref(line),
                        Discount::None,
                        &[],
                        0,
                    )
                    .map(|t| t.subtotal)
                    .unwrap_or(money(0));
                    LineView {
                        description: line.description.clone(),
                        quantity: line.quantity.to_string(),
                        unit_price: money(line.unit_price_minor),
                        amount,
                    }
                })
                .collect(),
            discount_label: match invoice.discount {
                Discount::None => None,
                Discount::Percent(rate) => Some(format!("Discount ({}%)", rate)),
                Discount::Fixed(_) => Some("Discount".to_string()),
            },
            tax_label: (!invoice.tax_rates.is_empty()).then(|| {
                let rates: Vec<String> = invoice
                    .tax_rates
                    .iter()
                    .map(|rate| format!("{rate}%"))
                    .collect();
                format!("Tax ({})", rates.join(" + "))
            }),
            totals,
            notes: invoice.notes.clone(),
            pay_url: crate::server::email::invoice_emails::pay_url(invoice),
            branded: false,
            payment_processing: invoice.status.is_collectable()
                && invoice.stripe.as_ref().is_some_and(|p| {
                    p.state == crate::server::stripe::payments::PayState::Processing
                }),
            payments: invoice
                .payments
                .iter()
                .map(|p| PaymentView {
                    amount: money(p.amount_minor),
                    date: p.date,
                    method: p.method.label().to_string(),
                })
                .collect(),
        }
    }

    pub fn detail(
        state: &AppState,
        invoice: &InvoiceDoc,
        user: &UserDoc,
        today: CalendarDate,
    ) -> InvoiceDetail {
        InvoiceDetail {
            id: invoice.id.to_hex(),
            client_id: invoice.client_id.to_hex(),
            document: document(invoice, user, today),
            public_url: invoice
                .public_token
                .as_ref()
                .map(|token| format!("{}/i/{token}", state.config.base_url)),
            input: invoice.draft().to_input(),
            today,
        }
    }

    pub async fn load(
        state: &AppState,
        owner: ObjectId,
        id: ObjectId,
    ) -> Result<InvoiceDoc, AppError> {
        invoices::get(&state.db, owner, id)
            .await
            .map_err(db_error("reading an invoice"))?
            .ok_or_else(|| not_found("invoice"))
    }

    /// Activity is a convenience: failing to note it must not undo or fail the change itself.
    pub async fn note(state: &AppState, invoice: &InvoiceDoc, kind: ActivityKind, amount: i64) {
        if let Err(err) = activity::record(&state.db, invoice, kind, amount, DateTime::now()).await
        {
            tracing::warn!(error = %err, "recording invoice activity");
        }
    }

    /// Cancels an invoice's scheduled emails. A failure here is logged, not shown: the engine
    /// re-reads the invoice before sending and skips one that is paid or void.
    pub async fn stop_emails(state: &AppState, invoice: ObjectId, reason: &str) {
        if let Err(err) = crate::server::db::email_jobs::cancel_scheduled(
            &state.db,
            invoice,
            crate::server::db::email_jobs::Cancel::All,
            reason,
        )
        .await
        {
            tracing::warn!(error = %err, %invoice, "cancelling scheduled emails");
        }
    }

    /// The message when a conditional update found the invoice changed under it.
    fn changed_meanwhile() -> AppError {
        AppError::Rejected(
            "This invoice changed while you were looking at it. Reload it and try again."
                .to_string(),
        )
    }

    pub async fn send(
        state: &AppState,
        user: &UserDoc,
        id: ObjectId,
    ) -> Result<InvoiceDoc, AppError> {
        let invoice = load(state, user.id, id).await?;
        invoice
            .status
            .apply(InvoiceEvent::Send)
            .map_err(AppError::Rejected)?;
        if invoice.total_minor <= 0 {
            return Err(AppError::Rejected(
                "This invoice adds up to nothing, so there is nothing to collect. Add a line with a price first."
                    .to_string(),
            ));
        }
        let token = crate::server::auth::token::random()?;
        // What the client pays through is made first: an invoice never goes out announcing a
        // payment link it does not have. A retry after a failure reuses it (idempotency keys).
        let stripe =
            crate::server::stripe::collect::open_for_send(state, user, &invoice, &token).await?;
        let sent = invoices::mark_sent(
            &state.db,
            user.id,
            id,
            &token,
            stripe.as_ref(),
            DateTime::now(),
        )
        .await
        .map_err(write_failure("sending an invoice"))?
        .ok_or_else(changed_meanwhile)?;
        note(state, &sent, ActivityKind::Sent, sent.total_minor).await;
        crate::server::db::usage::count(
            &state.db,
            crate::domain::usage::UsageEvent::InvoiceSent,
            crate::server::db::usage::today(),
        )
        .await;
        // The invoice is sent whatever the email does: a failed send is retried by the
        // engine, and the invoice page shows how it went.
        if let Err(err) = state.engine.send_invoice_email(user.id, sent.id).await {
            tracing::error!(error = %err, invoice = %sent.id, "sending the invoice email");
        }
        Ok(sent)
    }

    pub async fn void(
        state: &AppState,
        user: &UserDoc,
        id: ObjectId,
    ) -> Result<InvoiceDoc, AppError> {
        let invoice = load(state, user.id, id).await?;
        invoice
            .status
            .apply(InvoiceEvent::Void)
            .map_err(AppError::Rejected)?;
        let voided = invoices::mark_void(&state.db, user.id, id, invoice.status, DateTime::now())
            .await
            .map_err(db_error("voiding an invoice"))?
            .ok_or_else(changed_meanwhile)?;
        note(state, &voided, ActivityKind::Voided, voided.total_minor).await;
        stop_emails(state, voided.id, "void").await;
        crate::server::stripe::collect::close(state, &voided).await;
        Ok(voided)
    }

    /// The editor's input parsed, its client checked and its totals computed — or the field
    /// messages to show.
    pub async fn checked(
        state: &AppState,
        owner: ObjectId,
        input: &InvoiceInput,
    ) -> Result<
        Result<
            (
                crate::domain::invoice_draft::InvoiceDraft,
                Totals,
                crate::server::db::clients::ClientDoc,
            ),
            InvoiceErrors,
        >,
        AppError,
    > {
        let draft = match input.parse() {
            Ok(draft) => draft,
            Err(errors) => return Ok(Err(*errors)),
        };
        let client = match client_for_draft(state, owner, &draft.client_id).await? {
            Ok(client) => client,
            Err(errors) => return Ok(Err(errors)),
        };
        let totals = draft
            .totals(0)
            .map_err(|e| AppError::Rejected(e.to_string()))?;
        Ok(Ok((draft, totals, client)))
    }

    /// Checks the client is the owner's and still active, for a draft being saved.
    async fn client_for_draft(
        state: &AppState,
        owner: ObjectId,
        client_id: &str,
    ) -> Result<Result<crate::server::db::clients::ClientDoc, InvoiceErrors>, AppError> {
        use crate::server::db::clients;
        let invalid = |message: &str| {
            Ok(Err(InvoiceErrors {
                client: Some(message.to_string()),
                ..Default::default()
            }))
        };
        let Ok(id) = ObjectId::parse_str(client_id) else {
            return invalid("Choose a client from your list.");
        };
        match clients::get(&state.db, owner, id)
            .await
            .map_err(db_error("reading a client"))?
        {
            None => invalid("Choose a client from your list."),
            Some(client) if client.archived => {
                invalid("This client is archived. Restore them on their page first.")
            }
            Some(client) => Ok(Ok(client)),
        }
    }
}

#[server(prefix = "/api", endpoint = "invoices/list", input = Json)]
pub async fn list_invoices(params: ListParams) -> Result<InvoicePage, AppError> {
    use crate::api::ssr::{fail, not_found, parse_id, require_user, state, today_for};
    use crate::server::db::invoices;

    let user = require_user().await.map_err(fail)?.user;
    let query = params.parse().map_err(|m| fail(AppError::Rejected(m)))?;
    let client = match &query.client {
        Some(id) => Some(parse_id(id, "client").map_err(fail)?),
        None => None,
    };
    let state = state().map_err(fail)?;
    if let Some(client) = client
        && crate::server::db::clients::get(&state.db, user.id, client)
            .await
            .map_err(|e| fail(crate::api::ssr::db_error("reading a client")(e)))?
            .is_none()
    {
        return Err(fail(not_found("client")));
    }
    let today = today_for(&user);
    let (page, next) = invoices::list(&state.db, user.id, &query, client, today, 50)
        .await
        .map_err(|e| fail(ssr::list_error(e)))?;
    Ok(InvoicePage {
        rows: page.iter().map(|i| ssr::row(i, today)).collect(),
        next,
    })
}

#[server(prefix = "/api", endpoint = "invoices/get")]
pub async fn get_invoice(id: String) -> Result<InvoiceDetail, AppError> {
    use crate::api::ssr::{fail, signed_in_with_id, today_for};

    let (user, id, state) = signed_in_with_id(&id, "invoice").await.map_err(fail)?;
    let invoice = ssr::load(&state, user.id, id).await.map_err(fail)?;
    Ok(ssr::detail(&state, &invoice, &user, today_for(&user)))
}

#[server(prefix = "/api", endpoint = "invoices/editor")]
pub async fn load_editor_context() -> Result<EditorContext, AppError> {
    use crate::api::ssr::{db_error, fail, require_user, state, today_for};
    use crate::server::db::clients;

    let user = require_user().await.map_err(fail)?.user;
    let state = state().map_err(fail)?;
    let clients = clients::list(&state.db, user.id, false, "", 1000)
        .await
        .map_err(|e| fail(db_error("listing clients")(e)))?;
    Ok(EditorContext {
        today: today_for(&user),
        clients: clients.iter().map(crate::api::clients::summary).collect(),
    })
}

#[server(prefix = "/api", endpoint = "invoices/create", input = Json)]
pub async fn create_invoice(input: InvoiceInput) -> Result<InvoiceSave, AppError> {
    use crate::api::ssr::{fail, require_user, state};
    use crate::server::db::activity::ActivityKind;
    use crate::server::db::invoices;

    let user = require_user().await.map_err(fail)?.user;
    let state = state().map_err(fail)?;
    let (draft, totals, client) = match ssr::checked(&state, user.id, &input).await.map_err(fail)? {
        Ok(checked) => checked,
        Err(errors) => return Ok(InvoiceSave::Invalid(errors)),
    };
    crate::server::limits::allow_new_invoice(&state, &user)
        .await
        .map_err(fail)?;
    let invoice = invoices::create(
        &state.db,
        user.id,
        &user.invoice_prefix(),
        invoices::Content {
            draft: &draft,
            totals: &totals,
            client: &client,
        },
        mongodb::bson::DateTime::now(),
    )
    .await
    .map_err(|e| fail(ssr::write_failure("creating an invoice")(e)))?;
    ssr::note(&state, &invoice, ActivityKind::Created, invoice.total_minor).await;
    Ok(InvoiceSave::Saved {
        id: invoice.id.to_hex(),
        number: invoice.number,
    })
}

#[server(prefix = "/api", endpoint = "invoices/update", input = Json)]
pub async fn update_invoice(id: String, input: InvoiceInput) -> Result<InvoiceSave, AppError> {
    use crate::api::ssr::{fail, signed_in_with_id};
    use crate::server::db::invoices;

    let (user, id, state) = signed_in_with_id(&id, "invoice").await.map_err(fail)?;
    let existing = ssr::load(&state, user.id, id).await.map_err(fail)?;
    if existing.status != InvoiceStatus::Draft {
        return Err(fail(AppError::Rejected(
            "Only drafts can be edited. Void this invoice and duplicate it to change what was sent."
                .to_string(),
        )));
    }
    let (draft, totals, client) = match ssr::checked(&state, user.id, &input).await.map_err(fail)? {
        Ok(checked) => checked,
        Err(errors) => return Ok(InvoiceSave::Invalid(errors)),
    };
    let saved = invoices::update_draft(
        &state.db,
        user.id,
        id,
        invoices::Content {
            draft: &draft,
            totals: &totals,
            client: &client,
        },
        &existing.number,
        mongodb::bson::DateTime::now(),
    )
    .await
    .map_err(|e| fail(ssr::write_failure("saving an invoice")(e)))?
    .ok_or_else(|| {
        fail(AppError::Rejected(
            "This invoice was sent or deleted meanwhile, so the edit was not saved.".to_string(),
        ))
    })?;
    Ok(InvoiceSave::Saved {
        id: saved.id.to_hex(),
        number: saved.number,
    })
}

/// A new draft with the same client and lines, dated today with the same payment terms.
#[server(prefix = "/api", endpoint = "invoices/duplicate")]
pub async fn duplicate_invoice(id: String) -> Result<InvoiceSave, AppError> {
    use crate::api::ssr::{fail, signed_in_with_id, today_for};

    let (user, id, state) = signed_in_with_id(&id, "invoice").await.map_err(fail)?;
    let original = ssr::load(&state, user.id, id).await.map_err(fail)?;
    let mut input = original.draft().to_input();
    let today = today_for(&user);
    let terms = original.issue_date.days_until(original.due_date);
    input.issue_date = today.to_string();
    input.due_date = today.add_days(terms).unwrap_or(today).to_string();
    create_invoice(input).await
}

#[server(prefix = "/api", endpoint = "invoices/send")]
pub async fn send_invoice(id: String) -> Result<InvoiceDetail, AppError> {
    use crate::api::ssr::{fail, signed_in_with_id, today_for};

    let (user, id, state) = signed_in_with_id(&id, "invoice").await.map_err(fail)?;
    let sent = ssr::send(&state, &user, id).await.map_err(fail)?;
    Ok(ssr::detail(&state, &sent, &user, today_for(&user)))
}

#[server(prefix = "/api", endpoint = "invoices/void")]
pub async fn void_invoice(id: String) -> Result<InvoiceDetail, AppError> {
    use crate::api::ssr::{fail, signed_in_with_id, today_for};

    let (user, id, state) = signed_in_with_id(&id, "invoice").await.map_err(fail)?;
    let voided = ssr::void(&state, &user, id).await.map_err(fail)?;
    Ok(ssr::detail(&state, &voided, &user, today_for(&user)))
}

/// Deletes a draft. Sent invoices are records and are voided instead.
#[server(prefix = "/api", endpoint = "invoices/delete")]
pub async fn delete_draft(id: String) -> Result<(), AppError> {
    use crate::api::ssr::{db_error, fail, signed_in_with_id};
    use crate::server::db::invoices;

    let (user, id, state) = signed_in_with_id(&id, "invoice").await.map_err(fail)?;
    let invoice = ssr::load(&state, user.id, id).await.map_err(fail)?;
    if invoice.status != InvoiceStatus::Draft {
        return Err(fail(AppError::Rejected(
            "Only drafts can be deleted; a sent invoice is a record. Void it instead.".to_string(),
        )));
    }
    invoices::delete_draft(&state.db, user.id, id)
        .await
        .map_err(|e| fail(db_error("deleting a draft")(e)))?
        .ok_or_else(|| {
            fail(AppError::Rejected(
                "This draft was sent meanwhile, so it was not deleted.".to_string(),
            ))
        })?;
    Ok(())
}

/// Records a payment received outside Stripe; the invoice becomes partially paid or paid.
#[server(prefix = "/api", endpoint = "invoices/payment", input = Json)]
pub async fn record_payment(id: String, payment: PaymentInput) -> Result<PaymentSave, AppError> {
    use crate::api::ssr::{fail, signed_in_with_id, today_for};
    use crate::domain::status::InvoiceEvent;
    use crate::server::db::activity::ActivityKind;
    use crate::server::db::invoices;

    let (user, id, state) = signed_in_with_id(&id, "invoice").await.map_err(fail)?;
    let today = today_for(&user);
    // A conditional update: if another payment lands between the read and the write, read
    // again and decide against the new balance.
    for _ in 0..3 {
        let invoice = ssr::load(&state, user.id, id).await.map_err(fail)?;
        invoice
            .status
            .apply(InvoiceEvent::PartPayment)
            .map_err(|m| fail(AppError::Rejected(m)))?;
        let due = Money::from_minor(invoice.due_minor, invoice.currency);
        let parsed = match payment.parse(due, today) {
            Ok(parsed) => parsed,
            Err(errors) => return Ok(PaymentSave::Invalid(*errors)),
        };
        let event = if parsed.amount.minor() == invoice.due_minor {
            InvoiceEvent::FullPayment
        } else {
            InvoiceEvent::PartPayment
        };
        let to = invoice
            .status
            .apply(event)
            .map_err(|m| fail(AppError::Rejected(m)))?;
        let saved = invoices::add_payment(
            &state.db,
            user.id,
            id,
            invoice.status,
            invoice.paid_minor,
            &parsed,
            to,
            invoice.due_minor - parsed.amount.minor(),
            mongodb::bson::DateTime::now(),
        )
        .await
        .map_err(|e| fail(ssr::write_failure("recording a payment")(e)))?;
        if let Some(saved) = saved {
            ssr::note(
                &state,
                &saved,
                ActivityKind::PaymentRecorded,
                parsed.amount.minor(),
            )
            .await;
            if to == InvoiceStatus::Paid {
                ssr::note(&state, &saved, ActivityKind::Paid, saved.total_minor).await;
                crate::server::db::usage::count(
                    &state.db,
                    crate::domain::usage::UsageEvent::InvoicePaid,
                    crate::server::db::usage::today(),
                )
                .await;
                ssr::stop_emails(&state, saved.id, "paid").await;
                // Paid another way: the Stripe link must not take a second payment.
                crate::server::stripe::collect::close(&state, &saved).await;
            } else {
                crate::server::stripe::collect::replace(&state, &user, &saved).await;
            }
            return Ok(PaymentSave::Recorded(Box::new(ssr::detail(
                &state, &saved, &user, today,
            ))));
        }
    }
    Err(fail(AppError::Rejected(
        "This invoice keeps changing; reload it and try again.".to_string(),
    )))
}

/// A new link for the client (the old one stops working), e.g. after it was forwarded by mistake.
#[server(prefix = "/api", endpoint = "invoices/new-link")]
pub async fn replace_public_link(id: String) -> Result<InvoiceDetail, AppError> {
    use crate::api::ssr::{db_error, fail, signed_in_with_id, today_for};
    use crate::server::db::invoices;

    let (user, id, state) = signed_in_with_id(&id, "invoice").await.map_err(fail)?;
    let invoice = ssr::load(&state, user.id, id).await.map_err(fail)?;
    if !invoice.status.is_collectable() {
        return Err(fail(AppError::Rejected(
            "Only sent, unpaid invoices have a link for the client.".to_string(),
        )));
    }
    let token = crate::server::auth::token::random().map_err(fail)?;
    let saved = invoices::replace_public_token(
        &state.db,
        user.id,
        id,
        &token,
        mongodb::bson::DateTime::now(),
    )
    .await
    .map_err(|e| fail(db_error("replacing an invoice link")(e)))?
    .ok_or_else(|| {
        fail(AppError::Rejected(
            "This invoice was paid or voided meanwhile.".to_string(),
        ))
    })?;
    Ok(ssr::detail(&state, &saved, &user, today_for(&user)))
}

/// Sends or voids several invoices at once; each is checked on its own, and the ones that
/// cannot change are listed with the reason.
#[server(prefix = "/api", endpoint = "invoices/bulk", input = Json)]
pub async fn bulk_action(ids: Vec<String>, action: String) -> Result<BulkOutcome, AppError> {
    use crate::api::ssr::{fail, parse_id, require_user, state};

    let user = require_user().await.map_err(fail)?.user;
    if ids.len() > 200 {
        return Err(fail(AppError::Rejected(
            "Select up to 200 invoices at a time.".to_string(),
        )));
    }
    if action != "send" && action != "void" {
        return Err(fail(AppError::Rejected(format!(
            "“{action}” is not something PayTrack can do to several invoices."
        ))));
    }
    let state = state().map_err(fail)?;
    let mut outcome = BulkOutcome::default();
    for text in &ids {
        let result = match parse_id(text, "invoice") {
            Ok(id) if action == "send" => ssr::send(&state, &user, id).await,
            Ok(id) => ssr::void(&state, &user, id).await,
            Err(err) => Err(err),
        };
        match result {
            Ok(_) => outcome.done += 1,
            Err(err @ (AppError::Unavailable | AppError::Internal)) => return Err(fail(err)),
            Err(err) => {
                let number = match parse_id(text, "invoice") {
                    Ok(id) => ssr::load(&state, user.id, id).await.ok().map(|i| i.number),
                    Err(_) => None,
                };
                outcome.skipped.push(match number {
                    Some(number) => format!("{number}: {err}"),
                    None => err.to_string(),
                });
            }
        }
    }
    Ok(outcome)
}
