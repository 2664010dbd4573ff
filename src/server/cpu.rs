//! CPU-heavy work (laying out and compressing a PDF) runs off the async threads, at most one
//! piece per core at once. More at once would not finish sooner, and the blocking pool would
//! start a thread for each, whose memory stays with the process: 64 connections asking for
//! PDFs without pause grew the server from 60 MiB and 4 threads to 770 MiB and 119 threads,
//! which it kept (`bench/pdf`).

use std::sync::{Arc, LazyLock};

use tokio::sync::Semaphore;
use tokio::task::JoinError;

/// CPU work, at most `permits` pieces at once; the rest wait their turn without a thread.
pub struct Bounded(Arc<Semaphore>);

impl Bounded {
    pub fn new(permits: usize) -> Bounded {
        Bounded(Arc::new(Semaphore::new(permits.max(1))))
    }

    /// Runs `work` on the blocking pool once a turn is free. The turn is held until `work`
    /// ends, even if the caller stopped waiting for it. `Err` if it panicked.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, JoinError> {
        // The semaphore is never closed, so a turn always comes.
        let turn = self.0.clone().acquire_owned().await.ok();
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            work()
        })
        .await
    }
}

static CORES: LazyLock<Bounded> = LazyLock::new(|| {
    Bounded::new(std::thread::available_parallelism().map_or(1, |cores| cores.get()))
});

/// Runs `work` off the async threads, at most one piece per core at once.
pub async fn run<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, JoinError> {
    CORES.run(work).await
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_pieces_run_at_once_than_there_are_turns() {
        let bounded = Arc::new(Bounded::new(2));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let pieces = (0..8).map(|piece| {
            let (bounded, running, most) = (bounded.clone(), running.clone(), most.clone());
            tokio::spawn(async move {
                bounded
                    .run(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(20));
                        running.fetch_sub(1, Ordering::SeqCst);
                        piece
                    })
                    .await
            })
        });
        let mut done = Vec::new();
        for piece in pieces.collect::<Vec<_>>() {
            done.push(piece.await.unwrap().unwrap());
        }
        assert_eq!(
            done,
            (0..8).collect::<Vec<_>>(),
            "every piece ran, each once"
        );
        assert_eq!(most.load(Ordering::SeqCst), 2, "two at a time, never more");
    }

    #[tokio::test]
    async fn a_piece_that_panics_is_an_error_and_frees_its_turn() {
        let bounded = Bounded::new(1);
        assert!(bounded.run(|| panic!("a broken PDF")).await.is_err());
        assert_eq!(bounded.run(|| 7).await.unwrap(), 7);
    }
}
