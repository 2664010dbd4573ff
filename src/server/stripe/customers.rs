//! The Stripe customer a client's hosted invoices are addressed to, one per client in each
//! connected account. Making one carries an idempotency key, but Stripe forgets such keys after
//! a day: a customer made and then not kept (the database failed at that moment, or the invoice
//! after it could not be made) would be made a second time by a later send, and the user's
//! Stripe would list the client twice. So before making one, PayTrack looks for the customer it
//! made before, by the client's address and the client's id in the customer's metadata.

use std::collections::HashMap;

use stripe_core::customer::{CreateCustomer, ListCustomer};

use super::api_key::StripeKey;
use super::client::{StripeApi, StripeProblem};
use crate::server::db::invoices::InvoiceDoc;

/// The metadata key holding the PayTrack client a customer stands for.
const CLIENT_MARK: &str = "paytrack_client";

/// The customer for `invoice`'s client in `account_id`: the one PayTrack made before, found
/// again, or a new one. The caller keeps it on the client.
pub async fn customer_for(
    api: &StripeApi,
    key: &StripeKey,
    account_id: &str,
    invoice: &InvoiceDoc,
) -> Result<String, StripeProblem> {
    let client = invoice.client_id.to_hex();
    let email = invoice.bill_to.emails.first();
    if let Some(email) = email
        && let Some(made) = made_before(api, key, email, &client).await?
    {
        return Ok(made);
    }
    let mut request = CreateCustomer::new()
        .name(invoice.bill_to.name.clone())
        .metadata(HashMap::from([(CLIENT_MARK.to_string(), client.clone())]));
    if let Some(email) = email {
        request = request.email(email.clone());
    }
    let once = format!("paytrack-customer-{client}-{account_id}");
    let made = api.call(key, &request, Some(&once)).await?;
    Ok(made.id.as_str().to_string())
}

/// A customer PayTrack made for `client` with this address, the oldest if there are several.
/// Stripe's filter on the address is exact, as PayTrack wrote it; 100 customers with one
/// address is beyond any freelancer's account, so one page is read.
async fn made_before(
    api: &StripeApi,
    key: &StripeKey,
    email: &str,
    client: &str,
) -> Result<Option<String>, StripeProblem> {
    let listed = api
        .call(key, &ListCustomer::new().email(email).limit(100), None)
        .await?;
    Ok(listed
        .data
        .into_iter()
        .rev()
        .find(|customer| {
            customer
                .metadata
                .as_ref()
                .and_then(|marks| marks.get(CLIENT_MARK))
                .is_some_and(|id| id == client)
        })
        .map(|customer| customer.id.as_str().to_string()))
}
