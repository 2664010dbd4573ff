//! Pro's prices for the pricing, landing and billing pages, read from PayTrack's Stripe account
//! off the request path, so a page never waits on Stripe. Read at start-up and then hourly; while
//! Stripe cannot say, the last prices read stay shown, and before any the pages say that
//! Checkout shows the price.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::domain::plan::ProPrices;
use crate::server::config::Config;
use crate::server::stripe::billing::PayTrackStripe;

/// How long prices read are shown before they are read again: an operator's new price shows
/// within the hour, and Stripe sees one read an hour from each instance.
const KEPT: Duration = Duration::from_secs(60 * 60);
/// How soon a failed read is tried again.
const RETRY: Duration = Duration::from_secs(60);

#[derive(Clone, Default)]
pub struct ProPriceCache(Arc<Mutex<Known>>);

#[derive(Default)]
struct Known {
    prices: Option<ProPrices>,
    /// When the last read ended, and whether Stripe answered.
    read: Option<(Instant, bool)>,
    reading: bool,
}

impl ProPriceCache {
    /// The prices known now; starts a read in the background when one is due. `None` without
    /// billing, and until the first read has answered.
    pub fn current(&self, config: &Arc<Config>) -> Option<ProPrices> {
        config.billing.as_ref()?;
        let mut known = self.0.lock().ok()?;
        let due = match known.read {
            None => true,
            Some((at, answered)) => at.elapsed() >= if answered { KEPT } else { RETRY },
        };
        if due && !known.reading {
            known.reading = true;
            tokio::spawn(read(self.clone(), config.clone()));
        }
        known.prices
    }
}

async fn read(cache: ProPriceCache, config: Arc<Config>) {
    let prices = match PayTrackStripe::from_config(&config) {
        Some(stripe) => stripe.pro_prices().await.map_err(|problem| {
            tracing::warn!(reason = %problem, "could not read Pro's prices from Stripe");
        }),
        None => Err(()),
    };
    if let Ok(mut known) = cache.0.lock() {
        known.reading = false;
        known.read = Some((Instant::now(), prices.is_ok()));
        if let Ok(prices) = prices {
            known.prices = Some(prices);
        }
    }
}
