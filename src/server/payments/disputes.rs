//! A client's bank disputing a Stripe payment (a chargeback). When Stripe takes the money
//! back, what it took is owed again with reminders paused — the user answers the dispute in
//! Stripe, and a client arguing with their bank is not chased meanwhile. When the dispute is
//! decided for the user, the money counts again and a pause the dispute put on reminders goes;
//! what came back that the invoice no longer owed (it was settled another way meanwhile) is
//! left for the user to give back. Lost, the money stays off and the user decides. Stripe's
//! count of the dispute's money moves orders the news (`domain::dispute`), so events late,
//! twice or out of order end in what Stripe says now.

use mongodb::bson::DateTime;

use super::refunds::adopt;
use super::taken_back::{self, Leaving, money_moved};
use crate::domain::dispute::{DisputeStep, MoneyMove, money_move};
use crate::domain::pause::PauseReason;
use crate::domain::status::InvoiceEvent;
use crate::error::AppError;
use crate::server::db::activity::ActivityKind;
use crate::server::db::invoices::{self, DisputeDoc, InvoiceDoc, PaymentDoc};
use crate::server::db::users::UserDoc;
use crate::server::state::AppState;

/// What a dispute event says (Stripe's dispute object, as signed in the event).
#[derive(Debug, Clone)]
pub struct DisputeNews {
    pub id: String,
    pub payment_intent: String,
    pub amount_minor: i64,
    pub status: String,
    /// How many balance transactions the dispute has: money taken back, then given back.
    pub moves: u8,
    pub respond_by: Option<DateTime>,
}

/// What `record_dispute` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disputed {
    /// The money left: owed again, reminders paused.
    TakenBack,
    /// The money came back and counts again.
    GivenBack,
    /// Only where the dispute stands changed.
    Noted,
    /// Nothing new, or not a payment on a PayTrack invoice.
    Unchanged,
}

/// How many times a dispute is decided again when the invoice changed under it.
const ATTEMPTS: usize = 3;

pub async fn record_dispute(
    state: &AppState,
    user: &UserDoc,
    news: &DisputeNews,
) -> Result<Disputed, AppError> {
    let mut adopted = false;
    for _ in 0..ATTEMPTS {
        let Some(invoice) = invoices::by_stripe_payment(&state.db, user.id, &news.payment_intent)
            .await
            .map_err(crate::server::db::failed("finding a disputed payment"))?
        else {
            if !adopted && adopt(state, user, &news.payment_intent).await? {
                adopted = true;
                continue;
            }
            return Ok(Disputed::Unchanged);
        };
        let intent = Some(news.payment_intent.as_str());
        let outcome = match invoice
            .payments
            .iter()
            .find(|p| p.stripe_payment.as_deref() == intent)
        {
            Some(payment) => apply(state, user, &invoice, payment, news).await?,
            None => on_paid_twice(state, &invoice, news).await?,
        };
        if let Some(outcome) = outcome {
            return Ok(outcome);
        }
    }
    Err(AppError::Rejected(
        "This invoice keeps changing; the dispute will be read again.".to_string(),
    ))
}

/// `None` when the invoice changed between the read and the write.
async fn apply(
    state: &AppState,
    user: &UserDoc,
    invoice: &InvoiceDoc,
    payment: &PaymentDoc,
    news: &DisputeNews,
) -> Result<Option<Disputed>, AppError> {
    let Some((dispute, movement)) = step(payment.dispute.as_ref(), news) else {
        return Ok(Some(Disputed::Unchanged));
    };
    match movement {
        MoneyMove::TakenBack => take(state, user, invoice, payment, dispute).await,
        MoneyMove::GivenBack => give(state, user, invoice, payment, dispute).await,
        MoneyMove::Stays => noted(state, invoice, payment, dispute).await,
    }
}

/// The dispute as it stands after `news`, and the money it moves; `None` when the news is
/// not newer than what is `known` (or about another dispute).
fn step(known: Option<&DisputeDoc>, news: &DisputeNews) -> Option<(DisputeDoc, MoneyMove)> {
    let heard = DisputeStep {
        status: &news.status,
        moves: news.moves,
    };
    let known = known.filter(|k| k.id == news.id || k.moves > 0);
    // A charge is disputed once, but an inquiry that moved no money can give way to a
    // chargeback under a new id: that one is followed from then on.
    if known.is_some_and(|k| k.id != news.id) {
        return None;
    }
    let newer = known.is_none_or(|k| {
        heard.is_newer_than(&DisputeStep {
            status: &k.status,
            moves: k.moves,
        })
    });
    if !newer {
        return None;
    }
    let mut dispute = known.cloned().unwrap_or_else(|| DisputeDoc {
        id: news.id.clone(),
        amount_minor: news.amount_minor,
        status: String::new(),
        moves: 0,
        uncounted_minor: 0,
        respond_by: None,
        heard_at: DateTime::now(),
    });
    let movement = money_move(dispute.moves, news.moves);
    dispute.status = news.status.clone();
    dispute.moves = news.moves.min(2);
    dispute.respond_by = news.respond_by;
    Some((dispute, movement))
}

/// Money paid twice that the client's bank takes back is money the user need not give back
/// any more: the invoice does not move, and the notice asks only for the rest (all of it
/// again if the bank decides for the user). `None` when the invoice changed meanwhile.
async fn on_paid_twice(
    state: &AppState,
    invoice: &InvoiceDoc,
    news: &DisputeNews,
) -> Result<Option<Disputed>, AppError> {
    let mut after = invoice.extra_payments.clone();
    let intent = Some(news.payment_intent.as_str());
    let Some(extra) = after
        .iter_mut()
        .find(|e| e.stripe_payment.as_deref() == intent)
    else {
        return Ok(Some(Disputed::Unchanged));
    };
    let Some((mut dispute, _)) = step(extra.dispute.as_ref(), news) else {
        return Ok(Some(Disputed::Unchanged));
    };
    let kept = extra.not_refunded_minor();
    dispute.uncounted_minor = match dispute.moves {
        1 => dispute.amount_minor.clamp(0, kept),
        _ => 0,
    };
    extra.dispute = Some(dispute);
    let saved = invoices::note_extra_payments(
        &state.db,
        invoice.user_id,
        invoice.id,
        &invoice.extra_payments,
        &after,
    )
    .await
    .map_err(|e| e.user_facing("recording a dispute"))?;
    Ok(saved.map(|_| Disputed::Noted))
}

/// Stores where the dispute stands, moving no money.
async fn noted(
    state: &AppState,
    invoice: &InvoiceDoc,
    payment: &PaymentDoc,
    dispute: DisputeDoc,
) -> Result<Option<Disputed>, AppError> {
    let after = invoice.payments_with(payment.id, |p| p.dispute = Some(dispute));
    let saved = invoices::note_on_payment(&state.db, invoice, payment, &after)
        .await
        .map_err(|e| e.user_facing("recording a dispute"))?;
    Ok(saved.map(|_| Disputed::Noted))
}

/// The bank took the money back: what the payment still counted of it is owed again.
async fn take(
    state: &AppState,
    user: &UserDoc,
    invoice: &InvoiceDoc,
    payment: &PaymentDoc,
    mut dispute: DisputeDoc,
) -> Result<Option<Disputed>, AppError> {
    let amount = dispute.amount_minor.clamp(0, payment.not_refunded_minor());
    dispute.uncounted_minor = amount;
    let after = invoice.payments_with(payment.id, |p| p.dispute = Some(dispute));
    let leaving = Leaving {
        invoice,
        payment,
        amount,
        payments_after: &after,
        why: PauseReason::Disputed,
        kind: ActivityKind::Disputed,
    };
    let saved = taken_back::money_left(state, user, leaving).await?;
    Ok(saved.map(|_| Disputed::TakenBack))
}

/// The dispute was decided for the user and the money came back: it counts again, as far as
/// the invoice still wants money; the rest stays uncounted, for the user to give back.
async fn give(
    state: &AppState,
    user: &UserDoc,
    invoice: &InvoiceDoc,
    payment: &PaymentDoc,
    mut dispute: DisputeDoc,
) -> Result<Option<Disputed>, AppError> {
    let wanted = if invoice.status.takes_payments() {
        invoice.due_minor.max(0)
    } else {
        0
    };
    let back = dispute.uncounted_minor.min(wanted);
    let event = if back == invoice.due_minor {
        InvoiceEvent::FullPayment
    } else {
        InvoiceEvent::PartPayment
    };
    let Some(to) = invoice.status.apply(event).ok().filter(|_| back > 0) else {
        return noted(state, invoice, payment, dispute).await;
    };
    dispute.uncounted_minor -= back;
    let after = invoice.payments_with(payment.id, |p| p.dispute = Some(dispute));
    let lift_hold = invoice
        .reminders_paused
        .as_ref()
        .filter(|p| p.reason == PauseReason::Disputed)
        .map(|p| p.reason);
    let money = invoices::MoneyBack {
        owner: user.id,
        id: invoice.id,
        from: invoice.status,
        paid_before: invoice.paid_minor,
        payment,
        amount_minor: back,
        to,
        due_after: invoice.due_minor - back,
        lift_hold,
        now: DateTime::now(),
    };
    let saved = invoices::money_back(&state.db, &money, &after)
        .await
        .map_err(|e| e.user_facing("recording a dispute"))?;
    let Some(saved) = saved else {
        return Ok(None);
    };
    tracing::info!(invoice = %saved.id, back, "a disputed Stripe payment came back");
    money_moved(state, user, &saved, ActivityKind::DisputeWon, back).await;
    Ok(Some(Disputed::GivenBack))
}
