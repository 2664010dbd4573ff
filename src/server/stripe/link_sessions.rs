//! The money taken on a payment link's checkout pages, all of them: a link that stopped taking
//! new payments can still be paid on a page opened before (reconciliation's net for accounts
//! without a webhook, `payments::quiet_links`).

use stripe_checkout::checkout_session::ListCheckoutSession;

use super::api_key::StripeKey;
use super::client::{StripeApi, StripeProblem};
use super::payments::{Remote, payment_of};

/// How many of a link's newest checkout sessions are read: more pages than a client opens
/// for one invoice in a day.
const SESSIONS: i64 = 20;

/// The payments taken through payment link `link` (each `Remote::Paid`), newest first.
pub async fn paid_through_link(
    api: &StripeApi,
    key: &StripeKey,
    link: &str,
) -> Result<Vec<Remote>, StripeProblem> {
    let sessions = api
        .call(
            key,
            &ListCheckoutSession::new()
                .payment_link(link)
                .limit(SESSIONS),
            None,
        )
        .await?;
    Ok(sessions
        .data
        .iter()
        .filter_map(|session| payment_of(session, None))
        .collect())
}
