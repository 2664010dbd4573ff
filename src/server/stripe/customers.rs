//! The Stripe customer a client's hosted invoices are addressed to, one per client in each
//! connected account and mode (a customer made with a test key does not exist for the live
//! one). Making one carries an idempotency key, but Stripe forgets such keys after
//! a day: a customer made and then not kept (the database failed at that moment, or the invoice
//! after it could not be made) would be made a second time by a later send, and the user's
//! Stripe would list the client twice. So before making one, PayTrack looks for the customer it
//! made before, by the client's address and the client's id in the customer's metadata.
//!
//! Stripe copies the customer's name and address onto a hosted invoice when it is finalized;
//! so a customer whose client was renamed or readdressed since is brought up to date first,
//! and the hosted invoice reads as PayTrack's does.

use std::collections::HashMap;

use stripe_core::customer::{CreateCustomer, ListCustomer, UpdateCustomer};
use stripe_shared::Customer;

use super::api_key::StripeKey;
use super::client::{StripeApi, StripeProblem};
use crate::server::db::invoices::InvoiceDoc;
use crate::server::db::stripe_customers::BilledAs;

/// The metadata key holding the PayTrack client a customer stands for.
const CLIENT_MARK: &str = "paytrack_client";

/// Who `invoice` is addressed to: its bill-to name and first address.
pub fn billed_as(invoice: &InvoiceDoc) -> BilledAs {
    BilledAs {
        name: invoice.bill_to.name.clone(),
        email: invoice.bill_to.emails.first().cloned(),
    }
}

/// The customer for `invoice`'s client in `account_id`, addressed as the invoice is: the one
/// PayTrack made before, found again, or a new one. The caller keeps it on the client.
pub async fn customer_for(
    api: &StripeApi,
    key: &StripeKey,
    account_id: &str,
    invoice: &InvoiceDoc,
) -> Result<String, StripeProblem> {
    let client = invoice.client_id.to_hex();
    let billed = billed_as(invoice);
    if let Some(email) = &billed.email
        && let Some(made) = made_before(api, key, email, &client).await?
    {
        let id = made.id.as_str().to_string();
        let given = BilledAs {
            name: made.name.unwrap_or_default(),
            email: made.email,
        };
        if given != billed {
            address(api, key, &id, &billed).await?;
        }
        return Ok(id);
    }
    let mut request = CreateCustomer::new()
        .name(billed.name.clone())
        .metadata(HashMap::from([(CLIENT_MARK.to_string(), client.clone())]));
    if let Some(email) = billed.email {
        request = request.email(email);
    }
    let once = format!("paytrack-customer-{client}-{account_id}");
    let made = api.call(key, &request, Some(&once)).await?;
    Ok(made.id.as_str().to_string())
}

/// Gives customer `id` the name and address of `billed` (an address is never taken away: a
/// hosted invoice needs none, and Stripe may hold one the account's owner added).
pub async fn address(
    api: &StripeApi,
    key: &StripeKey,
    id: &str,
    billed: &BilledAs,
) -> Result<(), StripeProblem> {
    let mut request = UpdateCustomer::new(id).name(billed.name.clone());
    if let Some(email) = &billed.email {
        request = request.email(email.clone());
    }
    // Setting the same name twice changes nothing, so a retry needs no idempotency key.
    api.call(key, &request, None).await.map(|_| ())
}

/// A customer PayTrack made for `client` with this address, the oldest if there are several.
/// Stripe's filter on the address is exact, as PayTrack wrote it; 100 customers with one
/// address is beyond any freelancer's account, so one page is read.
async fn made_before(
    api: &StripeApi,
    key: &StripeKey,
    email: &str,
    client: &str,
) -> Result<Option<Customer>, StripeProblem> {
    let listed = api
        .call(key, &ListCustomer::new().email(email).limit(100), None)
        .await?;
    Ok(listed.data.into_iter().rev().find(|customer| {
        customer
            .metadata
            .as_ref()
            .and_then(|marks| marks.get(CLIENT_MARK))
            .is_some_and(|id| id == client)
    }))
}
