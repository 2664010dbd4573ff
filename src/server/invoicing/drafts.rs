//! Drafts: written and rewritten freely until sent. Creating one counts against Free's monthly
//! invoices; its number comes from the owner's sequence (deleting the newest draft gives it
//! back).

use mongodb::bson::DateTime;
use mongodb::bson::oid::ObjectId;

use super::effects::note;
use super::load;
use crate::domain::date::CalendarDate;
use crate::domain::invoice::Totals;
use crate::domain::invoice_draft::{InvoiceDraft, InvoiceErrors, InvoiceInput};
use crate::domain::money::Currency;
use crate::domain::status::InvoiceStatus;
use crate::domain::tax::Tax;
use crate::error::AppError;
use crate::server::clients::Choices;
use crate::server::db;
use crate::server::db::activity::ActivityKind;
use crate::server::db::client_choices::Among;
use crate::server::db::clients::{self, ClientDoc};
use crate::server::db::invoices::{self, InvoiceDoc};
use crate::server::db::users::UserDoc;
use crate::server::jobs::plan::today_of;
use crate::server::limits::{self, Adds};
use crate::server::state::AppState;

/// What the editor starts from: whom the invoice can be for, what it is in until a client is
/// chosen, the business profile's default taxes and notes, and the user's today.
pub struct EditorStart {
    pub today: CalendarDate,
    pub choices: Choices,
    pub currency: Currency,
    pub default_taxes: Vec<Tax>,
    pub default_notes: String,
}

/// `EditorStart` for `user`; `client` (the invoice's own, or the one a client's page asked for)
/// is among the choices whatever else they hold.
pub async fn editor_start(
    state: &AppState,
    user: &UserDoc,
    client: Option<ObjectId>,
) -> Result<EditorStart, AppError> {
    let choices = crate::server::clients::choices(state, user.id, Among::Active, client).await?;
    let currency = crate::server::clients::usual_currency(state, user).await?;
    let business = user.business.as_ref();
    Ok(EditorStart {
        today: today_of(user),
        choices,
        currency,
        default_taxes: business
            .map(|b| b.default_taxes.clone())
            .unwrap_or_default(),
        default_notes: business
            .and_then(|b| b.default_notes.clone())
            .unwrap_or_default(),
    })
}

/// A save either happened or was refused field by field (nothing saved).
pub enum DraftSave {
    Saved(Box<InvoiceDoc>),
    Invalid(Box<InvoiceErrors>),
}

/// The editor's input, parsed and checked, with what it adds up to.
struct Checked {
    draft: InvoiceDraft,
    totals: Totals,
    client: ClientDoc,
}

impl Checked {
    fn content(&self) -> invoices::Content<'_> {
        invoices::Content {
            draft: &self.draft,
            totals: &self.totals,
            client: &self.client,
        }
    }
}

pub async fn create(
    state: &AppState,
    user: &UserDoc,
    input: &InvoiceInput,
) -> Result<DraftSave, AppError> {
    let checked = match check(state, user.id, input).await? {
        Ok(checked) => checked,
        Err(errors) => return Ok(DraftSave::Invalid(Box::new(errors))),
    };
    let insert = async {
        invoices::create(
            &state.db,
            user.id,
            (&user.invoice_prefix(), user.numbering.unwrap_or_default()),
            checked.content(),
            DateTime::now(),
        )
        .await
        .map_err(|e| e.user_facing("creating an invoice"))
    };
    let invoice = limits::guarded(state, user, Adds::Invoice, insert).await?;
    note(state, &invoice, ActivityKind::Created, invoice.total_minor).await;
    Ok(DraftSave::Saved(Box::new(invoice)))
}

pub async fn update(
    state: &AppState,
    user: &UserDoc,
    id: ObjectId,
    input: &InvoiceInput,
) -> Result<DraftSave, AppError> {
    let existing = load(state, user.id, id).await?;
    if existing.status != InvoiceStatus::Draft {
        return Err(AppError::Rejected(
            "Only drafts can be edited. Void this invoice and duplicate it to change what was sent."
                .to_string(),
        ));
    }
    let checked = match check(state, user.id, input).await? {
        Ok(checked) => checked,
        Err(errors) => return Ok(DraftSave::Invalid(Box::new(errors))),
    };
    let saved = invoices::update_draft(
        &state.db,
        user.id,
        id,
        checked.content(),
        &existing.number,
        DateTime::now(),
    )
    .await
    .map_err(|e| e.user_facing("saving an invoice"))?
    .ok_or_else(|| {
        AppError::Rejected(
            "This invoice was sent or deleted meanwhile, so the edit was not saved.".to_string(),
        )
    })?;
    Ok(DraftSave::Saved(Box::new(saved)))
}

/// A new draft with the same client and lines, dated today with the same payment terms.
pub async fn duplicate(
    state: &AppState,
    user: &UserDoc,
    id: ObjectId,
) -> Result<DraftSave, AppError> {
    let original = load(state, user.id, id).await?;
    let mut input = original.draft().to_input();
    let today = today_of(user);
    let terms = original.issue_date.days_until(original.due_date);
    input.issue_date = today.to_string();
    input.due_date = today.add_days(terms).unwrap_or(today).to_string();
    // The copy bills other work: the original's dates of it would be wrong on a legal document.
    input.service_from.clear();
    input.service_to.clear();
    create(state, user, &input).await
}

/// Deletes a draft. Sent invoices are records and are voided instead.
pub async fn delete(state: &AppState, user: &UserDoc, id: ObjectId) -> Result<(), AppError> {
    let invoice = load(state, user.id, id).await?;
    if invoice.status != InvoiceStatus::Draft {
        return Err(AppError::Rejected(
            "Only drafts can be deleted; a sent invoice is a record. Void it instead.".to_string(),
        ));
    }
    invoices::delete_draft(&state.db, user.id, id)
        .await
        .map_err(db::failed("deleting a draft"))?
        .ok_or_else(|| {
            AppError::Rejected("This draft was sent meanwhile, so it was not deleted.".to_string())
        })?;
    Ok(())
}

/// The editor's input parsed, its client checked and its totals computed — or the field
/// messages to show.
async fn check(
    state: &AppState,
    owner: ObjectId,
    input: &InvoiceInput,
) -> Result<Result<Checked, InvoiceErrors>, AppError> {
    let draft = match input.parse() {
        Ok(draft) => draft,
        Err(errors) => return Ok(Err(*errors)),
    };
    let client = match client_for_draft(state, owner, &draft.client_id).await? {
        Ok(client) => client,
        Err(message) => {
            return Ok(Err(InvoiceErrors {
                client: Some(message.to_string()),
                ..Default::default()
            }));
        }
    };
    let totals = draft
        .totals(0)
        .map_err(|e| AppError::Rejected(e.to_string()))?;
    Ok(Ok(Checked {
        draft,
        totals,
        client,
    }))
}

/// The owner's active client a draft is for, or why it can't be.
async fn client_for_draft(
    state: &AppState,
    owner: ObjectId,
    client_id: &str,
) -> Result<Result<ClientDoc, &'static str>, AppError> {
    const CHOOSE: &str = "Choose a client from your list.";
    let Ok(id) = ObjectId::parse_str(client_id) else {
        return Ok(Err(CHOOSE));
    };
    Ok(
        match clients::get(&state.db, owner, id)
            .await
            .map_err(db::failed("reading a client"))?
        {
            None => Err(CHOOSE),
            Some(client) if client.archived => {
                Err("This client is archived. Restore them on their page first.")
            }
            Some(client) => Ok(client),
        },
    )
}
