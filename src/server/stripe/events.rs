//! A connected account's own list of events, which Stripe keeps for 30 days: read for the
//! refunds and disputes its webhook did not bring (`payments::missed_events`). Reading it
//! needs the key's Events permission (read), which the Stripe page asks for.

use stripe_core::event::ListEvent;
use stripe_types::RangeQueryTs;

use super::account::EVENTS;
use super::api_key::StripeKey;
use super::client::{StripeApi, StripeProblem};

/// Events per page: Stripe's most.
const PAGE: i64 = 100;

/// Pages read at most in one go. One freelancer's refunds and disputes over a few minutes (or,
/// the first time, 30 days) come nowhere near; past it the oldest are left unread, and said so.
const PAGES: usize = 20;

/// Of the events the webhook asks for, those about a charge: refunded (in part or whole), and
/// each step of a dispute.
fn money_back_events() -> Vec<String> {
    EVENTS
        .iter()
        .filter(|kind| kind.starts_with("charge."))
        .map(|kind| kind.to_string())
        .collect()
}

/// One event read from the list. Its object stays as Stripe drew it (in the account's API
/// version, when the event happened): the reader takes only the fields it needs.
pub struct Listed {
    pub id: String,
    pub kind: String,
    pub object: miniserde::json::Value,
}

/// The refund and dispute events created at or after `since` (Unix seconds), oldest first.
pub async fn money_back_since(
    api: &StripeApi,
    key: &StripeKey,
    since: i64,
) -> Result<Vec<Listed>, StripeProblem> {
    let mut listed = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..PAGES {
        let mut request = ListEvent::new()
            .types(money_back_events())
            .created(RangeQueryTs::gte(since))
            .limit(PAGE);
        if let Some(last) = &after {
            request = request.starting_after(last.clone());
        }
        let page = api.call(key, &request, None).await?;
        after = page.data.last().map(|event| event.id.as_str().to_string());
        let more = page.has_more && after.is_some();
        listed.extend(page.data.into_iter().map(|event| Listed {
            id: event.id.as_str().to_string(),
            kind: event.type_.as_str().to_string(),
            object: event.data.object,
        }));
        if !more {
            listed.reverse();
            return Ok(listed);
        }
    }
    tracing::warn!(
        read = listed.len(),
        "more refund and dispute events than one read takes; the oldest were left unread"
    );
    listed.reverse();
    Ok(listed)
}
