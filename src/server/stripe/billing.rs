//! PayTrack's own Stripe account, where Pro is billed: Checkout for a subscription, the
//! customer portal, and the subscription read back (webhooks re-read it rather than trust an
//! event's copy, so late or repeated events cannot undo a newer state).

use std::collections::HashMap;

use stripe_billing::billing_portal_session::CreateBillingPortalSession;
use stripe_billing::subscription::{CancelSubscription, RetrieveSubscription};
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionLineItems, CreateCheckoutSessionSubscriptionData,
};
use stripe_product::price::RetrievePrice;
use stripe_shared::{CheckoutSessionMode, RecurringInterval};

use super::api_key::StripeKey;
use super::client::{StripeApi, StripeProblem};
use crate::domain::money::{Currency, Money};
use crate::domain::plan::{BillingStatus, Interval, ProPrices, Subscription};
use crate::server::config::{BillingConfig, Config};

/// PayTrack's account, when billing is configured.
pub struct PayTrackStripe {
    api: StripeApi,
    key: StripeKey,
    pub prices: BillingConfig,
}

/// A subscription as read from Stripe.
pub struct SubscriptionRead {
    pub id: String,
    pub customer: String,
    /// The PayTrack user it was bought for (set at checkout).
    pub user: Option<String>,
    pub subscription: Subscription,
}

impl PayTrackStripe {
    pub fn from_config(config: &Config) -> Option<PayTrackStripe> {
        let prices = config.billing.clone()?;
        let key = StripeKey::stored(config.secrets.stripe_secret_key.clone()?).ok()?;
        Some(PayTrackStripe {
            api: StripeApi::new(&config.stripe_api_base),
            key,
            prices,
        })
    }

    fn price(&self, interval: Interval) -> &str {
        match interval {
            Interval::Month => &self.prices.price_monthly,
            Interval::Year => &self.prices.price_yearly,
        }
    }

    /// A Checkout session for Pro at `interval`; its URL. The user's id rides on the session
    /// and the subscription, so the webhook knows whose it is. `idempotency` makes a double
    /// click one session.
    #[allow(clippy::too_many_arguments)]
    pub async fn checkout(
        &self,
        user: &str,
        email: &str,
        customer: Option<&str>,
        interval: Interval,
        success_url: &str,
        cancel_url: &str,
        idempotency: &str,
    ) -> Result<String, StripeProblem> {
        let mut item = CreateCheckoutSessionLineItems::new();
        item.price = Some(self.price(interval).to_string());
        item.quantity = Some(1);
        let mut subscription = CreateCheckoutSessionSubscriptionData::new();
        subscription.metadata = Some(HashMap::from([(
            "paytrack_user".to_string(),
            user.to_string(),
        )]));
        let mut request = CreateCheckoutSession::new()
            .mode(CheckoutSessionMode::Subscription)
            .line_items(vec![item])
            .client_reference_id(user)
            .subscription_data(subscription)
            .success_url(success_url)
            .cancel_url(cancel_url);
        request = match customer {
            Some(customer) => request.customer(customer),
            None => request.customer_email(email),
        };
        let session = self
            .api
            .call(&self.key, &request, Some(idempotency))
            .await?;
        session.url.ok_or(StripeProblem::Unexpected)
    }

    /// Pro's two prices as Stripe has them.
    pub async fn pro_prices(&self) -> Result<ProPrices, StripeProblem> {
        Ok(ProPrices {
            monthly: self.pro_price(Interval::Month).await?,
            yearly: self.pro_price(Interval::Year).await?,
        })
    }

    /// One of Pro's prices; `Unexpected` (and the reason in the log, for the operator) when the
    /// configured price is not a flat price per one `interval` in a currency PayTrack knows.
    async fn pro_price(&self, interval: Interval) -> Result<Money, StripeProblem> {
        let id = self.price(interval);
        let price = self
            .api
            .call(&self.key, &RetrievePrice::new(id), None)
            .await?;
        let wanted = match interval {
            Interval::Month => RecurringInterval::Month,
            Interval::Year => RecurringInterval::Year,
        };
        let per_one = price
            .recurring
            .as_ref()
            .is_some_and(|r| r.interval == wanted && r.interval_count == 1);
        match (
            price.unit_amount,
            Currency::parse(&price.currency.to_string()),
        ) {
            (Some(amount), Ok(currency)) if amount > 0 && per_one => {
                Ok(Money::from_minor(amount, currency))
            }
            _ => {
                tracing::error!(
                    price = id,
                    interval = interval.key(),
                    "Pro's price is not a flat price per one interval in a currency PayTrack knows"
                );
                Err(StripeProblem::Unexpected)
            }
        }
    }

    /// The customer portal (change card, switch interval, cancel); its URL.
    pub async fn portal(&self, customer: &str, return_url: &str) -> Result<String, StripeProblem> {
        let request = CreateBillingPortalSession::new()
            .customer(customer)
            .return_url(return_url);
        Ok(self.api.call(&self.key, &request, None).await?.url)
    }

    pub async fn subscription(&self, id: &str) -> Result<SubscriptionRead, StripeProblem> {
        let sub = self
            .api
            .call(&self.key, &RetrieveSubscription::new(id), None)
            .await?;
        let items = &sub.items.data;
        let period_end = items
            .iter()
            .map(|i| i.current_period_end)
            .max()
            .unwrap_or(0);
        let interval = match items
            .first()
            .and_then(|i| i.price.recurring.as_ref())
            .map(|r| r.interval.clone())
        {
            Some(RecurringInterval::Year) => Interval::Year,
            _ => Interval::Month,
        };
        Ok(SubscriptionRead {
            id: sub.id.as_str().to_string(),
            customer: sub.customer.id().as_str().to_string(),
            user: sub.metadata.get("paytrack_user").cloned(),
            subscription: Subscription {
                status: BillingStatus::from_stripe(sub.status.as_str()),
                interval,
                current_period_end: period_end,
                cancel_at_period_end: sub.cancel_at_period_end,
            },
        })
    }

    /// Ends a subscription now (the account is being deleted). One already gone is fine.
    pub async fn cancel_now(&self, id: &str) -> Result<(), StripeProblem> {
        match self
            .api
            .call(&self.key, &CancelSubscription::new(id), None)
            .await
        {
            Ok(_) | Err(StripeProblem::NotFound) => Ok(()),
            Err(problem) => Err(problem),
        }
    }
}
