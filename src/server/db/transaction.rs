//! Several writes that land together or not at all (a MongoDB multi-document transaction).
//! The caller runs its writes between `begin` and `finish` in a loop over `ATTEMPTS`:
//!
//! ```text
//! let mut session = transaction::session(db).await?;
//! for attempt in 1..=transaction::ATTEMPTS {
//!     session.start_transaction().await?;
//!     let outcome = the_writes(&mut session).await;
//!     if let Finished::Done(value) = transaction::finish(&mut session, outcome, attempt).await? {
//!         return Ok(value);
//!     }
//! }
//! ```
//!
//! (A closure-taking helper would be neater, but its future is not `Send` for every borrow
//! on this compiler, which server functions need.)

use mongodb::error::{Error, TRANSIENT_TRANSACTION_ERROR, UNKNOWN_TRANSACTION_COMMIT_RESULT};
use mongodb::{ClientSession, Database};

/// How often a transaction that collided with another (a transient error) is run again, and
/// how often a commit with an unknown outcome is repeated. With `back_off` between runs, the
/// last one starts at most about a second after the first.
pub const ATTEMPTS: u32 = 8;

pub enum Finished<T> {
    Done(T),
    /// The transaction collided with another and was rolled back: run the writes again,
    /// deciding afresh.
    Again,
}

pub async fn session(db: &Database) -> Result<ClientSession, Error> {
    db.client().start_session().await
}

/// Commits when the writes succeeded, aborts when they failed. A transient failure on attempt
/// `attempt` (below `ATTEMPTS`) asks for another run; a commit whose outcome is unknown is
/// committed again, which MongoDB makes safe. Any other error leaves nothing of the writes.
pub async fn finish<T>(
    session: &mut ClientSession,
    outcome: Result<T, Error>,
    attempt: u32,
) -> Result<Finished<T>, Error> {
    let retry = |err: &Error| err.contains_label(TRANSIENT_TRANSACTION_ERROR) && attempt < ATTEMPTS;
    let value = match outcome {
        Ok(value) => value,
        Err(err) => {
            // Aborting can fail too (the server is gone); the transaction then ends on its
            // own, and the writes' error is the one worth reporting.
            let _ = session.abort_transaction().await;
            return if retry(&err) {
                back_off(attempt).await;
                Ok(Finished::Again)
            } else {
                Err(err)
            };
        }
    };
    let mut commits = 1;
    loop {
        match session.commit_transaction().await {
            Ok(()) => return Ok(Finished::Done(value)),
            Err(err)
                if err.contains_label(UNKNOWN_TRANSACTION_COMMIT_RESULT) && commits < ATTEMPTS =>
            {
                commits += 1;
            }
            Err(err) if retry(&err) => {
                back_off(attempt).await;
                return Ok(Finished::Again);
            }
            Err(err) => return Err(err),
        }
    }
}

/// A random pause of up to 8 ms × 2^(attempt − 1) before running collided writes again.
/// Writers that collided over one document (several voids taking credit note numbers) would
/// otherwise start again together and collide again, until the attempts ran out.
async fn back_off(attempt: u32) {
    let ceiling_micros = 8_000_u64 << attempt.saturating_sub(1).min(7);
    let mut bytes = [0_u8; 2];
    // Without randomness, half the ceiling still spreads attempts out over time.
    let spread = match getrandom::fill(&mut bytes) {
        Ok(()) => u64::from(u16::from_le_bytes(bytes)),
        Err(_) => u64::from(u16::MAX / 2),
    };
    let pause = ceiling_micros * spread / u64::from(u16::MAX);
    tokio::time::sleep(std::time::Duration::from_micros(pause)).await;
}
