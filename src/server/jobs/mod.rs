//! Work that happens on a schedule rather than on a request: the email engine (invoice emails
//! and reminders), its clock and its planning, and Stripe reconciliation.

pub mod batches;
pub mod books;
pub mod clock;
pub mod command;
pub mod credit_note_emails;
mod decide;
pub mod engine;
pub mod holds;
pub mod outcome;
pub mod plan;
pub mod reconcile;
mod single;

/// Calls `pass` every `period` until `stop` resolves. A pass that runs long delays the next
/// rather than stacking them up; each pass logs its own errors, so one failure never stops the
/// loop for good.
pub async fn every<F, Fut>(
    period: std::time::Duration,
    stop: impl std::future::Future<Output = ()>,
    mut pass: F,
) where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    tokio::pin!(stop);
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = &mut stop => return,
            _ = interval.tick() => {}
        }
        pass().await;
    }
}
