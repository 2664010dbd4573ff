//! What a client pays an invoice through in the user's Stripe: opened before the invoice goes
//! out, and made to follow what is owed when a part payment or a refund changes it (closing is
//! `closing.rs`).

use mongodb::bson::DateTime;

use crate::domain::pay_with::PayWith;
use crate::domain::plan::Plan;
use crate::domain::stripe_pay::StripePay;
use crate::error::AppError;
use crate::server::db::invoices::{self, InvoiceDoc};
use crate::server::db::users::UserDoc;
use crate::server::db::{clients, stripe_customers};
use crate::server::state::AppState;
use crate::server::stripe::client::StripeProblem;
use crate::server::stripe::customers;
use crate::server::stripe::payments::{self, Opening, Through};
use crate::server::stripe_account::{Connected, connected, note_problem};

/// What the client will pay `invoice` (about to be sent with public link `token`) through,
/// or `None` without Stripe. A Stripe failure stops the send with words to act on: an invoice
/// never goes out announcing a payment link it does not have.
pub async fn open_for_send(
    state: &AppState,
    user: &UserDoc,
    invoice: &InvoiceDoc,
    token: &str,
) -> Result<Option<StripePay>, AppError> {
    // Payment links are Pro: after a downgrade, invoices go out without one (nothing else of
    // the connection changes, and payments already under way are still recorded).
    if crate::server::limits::plan_of(state, user) == Plan::Free {
        return Ok(None);
    }
    let Some(connected) = connected(state, user.id).await? else {
        return Ok(None);
    };
    let return_url = format!("{}/i/{token}", state.config.base_url);
    // A send tried before keeps its token on the draft (`invoices::send_token`).
    let tried_before = invoice.send_token.is_some();
    opened(state, &connected, invoice, &return_url, tried_before)
        .await
        .map(Some)
        .map_err(|problem| {
            AppError::Rejected(format!(
                "The invoice was not sent, because Stripe could not make its payment link: {problem}"
            ))
        })
}

/// Points the payment link `invoice` is paid through at the client's page at its new address
/// (`token`), before the old one stops working: a client who paid through it afterwards would
/// be sent back to a page that no longer exists. (Hosted invoices send nobody back.) Stripe
/// refusing or unreachable stops the move, with why; with the key no longer working or the
/// link gone, there is nothing to point, and the page moves all the same.
pub async fn return_to(
    state: &AppState,
    invoice: &InvoiceDoc,
    token: &str,
) -> Result<(), AppError> {
    let Some(pay) = invoice
        .stripe
        .as_ref()
        .filter(|pay| pay.mode == PayWith::PaymentLink && pay.takes_payments())
    else {
        return Ok(());
    };
    let connected = match connected(state, invoice.user_id).await {
        Ok(Some(connected)) if connected.reaches(pay) => connected,
        // Disconnected (its links were closed then), a key that stopped working, another
        // account or the other mode of this one: nothing to ask.
        _ => return Ok(()),
    };
    let url = format!("{}/i/{token}", state.config.base_url);
    let Err(problem) = payments::return_to(&connected.api, &connected.key, pay, &url).await else {
        return Ok(());
    };
    note_problem(state, &connected, &problem).await;
    if problem.breaks_connection() || problem == StripeProblem::NotFound {
        tracing::warn!(invoice = %invoice.id, reason = %problem, "the payment link still returns to the client's old page");
        return Ok(());
    }
    Err(AppError::Rejected(format!(
        "The client's link was not replaced, because Stripe could not send clients who pay through the payment link to the new one: {problem}"
    )))
}

async fn opened(
    state: &AppState,
    connected: &Connected,
    invoice: &InvoiceDoc,
    return_url: &str,
    tried_before: bool,
) -> Result<StripePay, StripeProblem> {
    let opened = async {
        let customer = match connected.connection.pay_with {
            PayWith::PaymentLink => None,
            PayWith::HostedInvoice => Some(customer_of(state, connected, invoice).await?),
        };
        let through = match &customer {
            None => Through::PaymentLink,
            Some(customer) => Through::HostedInvoice { customer },
        };
        let opening = Opening {
            account_id: &connected.connection.account_id,
            livemode: connected.connection.livemode,
            through,
            invoice,
            return_url,
            tried_before,
        };
        payments::open(&connected.api, &connected.key, &opening).await
    }
    .await;
    if let Err(problem) = &opened {
        note_problem(state, connected, problem).await;
    }
    opened
}

/// The client's customer in the connected account, addressed as `invoice` is: the one kept on
/// the client (brought up to date if the client was renamed or readdressed since), or one
/// found or made at Stripe and kept at once — before the invoice is made, whose failure would
/// otherwise leave the customer unkept.
async fn customer_of(
    state: &AppState,
    connected: &Connected,
    invoice: &InvoiceDoc,
) -> Result<String, StripeProblem> {
    let account = &connected.connection.account_id;
    let space = (account.as_str(), connected.connection.livemode);
    let billed = customers::billed_as(invoice);
    // Unreadable for now: Stripe is asked, and finds the customer made before.
    let kept = match clients::get(&state.db, invoice.user_id, invoice.client_id).await {
        Ok(client) => client.and_then(|client| {
            client
                .stripe_customers
                .into_iter()
                .find(|c| &c.account_id == account && c.livemode == Some(space.1))
        }),
        Err(err) => {
            tracing::warn!(error = %err, "reading a client's Stripe customer");
            None
        }
    };
    let (customer, keeping) = match kept {
        Some(kept) if kept.billed_as.as_ref() == Some(&billed) => return Ok(kept.customer_id),
        Some(kept) => {
            customers::address(&connected.api, &connected.key, &kept.customer_id, &billed).await?;
            let recorded = stripe_customers::set_billed_as(
                &state.db,
                invoice.user_id,
                invoice.client_id,
                space,
                &kept.customer_id,
                &billed,
            )
            .await;
            (kept.customer_id, recorded)
        }
        None => {
            let customer =
                customers::customer_for(&connected.api, &connected.key, account, invoice).await?;
            let kept = stripe_customers::add_stripe_customer(
                &state.db,
                invoice.user_id,
                invoice.client_id,
                space,
                &customer,
                &billed,
            )
            .await;
            (customer, kept)
        }
    };
    // Not recorded now: the next send finds the customer at Stripe again, or gives it the
    // same name once more.
    if let Err(err) = keeping {
        tracing::warn!(error = %err, "keeping a client's Stripe customer");
    }
    Ok(customer)
}

/// After money came in outside the link, or was taken off again or refunded: once nothing is
/// owed the link is closed; otherwise the old link (for the old amount, or closed when the
/// invoice was paid) is closed and one for what is owed now takes its place — unless a bank
/// debit is settling through it, which must settle (or fail) through the link PayTrack knows;
/// what it brings beyond what is owed is noted as paid twice. A new link is made only once the
/// old one is closed, so a client is never offered two.
/// `false` when the link is still not what is owed (Stripe refused or was unreachable):
/// reconciliation, due within a minute, calls this again.
pub async fn follow_owed(state: &AppState, user: &UserDoc, invoice: &InvoiceDoc) -> bool {
    let Some(old) = invoice.stripe.as_ref() else {
        return true;
    };
    if !invoice.status.is_collectable() {
        return super::closing::close(state, user, invoice).await;
    }
    let still_right = old.amount_minor == invoice.due_minor && old.takes_payments();
    if still_right || invoice.stripe_payment_processing() {
        return true;
    }
    if !super::closing::close(state, user, invoice).await {
        return false;
    }
    let Ok(Some(connected)) = connected(state, user.id).await else {
        return true;
    };
    let return_url = invoice
        .public_token
        .as_ref()
        .map(|token| format!("{}/i/{token}", state.config.base_url))
        .unwrap_or_else(|| state.config.base_url.clone());
    let pay = match opened(state, &connected, invoice, &return_url, true).await {
        Ok(pay) => pay,
        Err(problem) => {
            tracing::warn!(invoice = %invoice.id, reason = %problem, "no new payment link yet; reconciliation tries again");
            super::closing::retry_soon(state, invoice).await;
            return false;
        }
    };
    let kept =
        invoices::replace_stripe(&state.db, user.id, invoice.id, old, &pay, DateTime::now()).await;
    if let Err(err) = kept {
        tracing::error!(error = ?err, invoice = %invoice.id, "keeping a new payment link");
        return false;
    }
    true
}
