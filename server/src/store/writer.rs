//! Group commit: one task per store carries out the writes of every request, many of
//! them in one transaction.
//!
//! A write is a job: its statements, run inside the group's transaction under a
//! savepoint of its own (so a job that fails, a version conflict say, is rolled back
//! alone and the others stay). The writer takes every job waiting (up to
//! [`GROUP_MAX`]), runs them one after the other, commits once, and only then answers
//! each job: an answer always means committed (or failed). One commit, one `fsync`, for
//! all of them is what makes writing at many requests a second cheap on SQLite, which
//! takes one writer at a time anyway; and on PostgreSQL it ends the waits for the row
//! locks of shared rows (counters, board cells), which every case registered touches.
//!
//! The board's cells are what most writes share: every case registered adds to the same
//! few cells of its day, batch and division. A job does not write them; it hands back
//! its cell deltas, the writer sums them over the group and writes each cell once,
//! in key order, before the commit.
//!
//! Invariant: a job only uses the transaction it is given: a job that called the store
//! again would wait for the writer that waits for it.

use std::future::Future;
use std::pin::Pin;

use tokio::sync::{mpsc, oneshot};

use super::board::Cells;
use super::{StoreError, StoreResult};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a job did: whether to keep it, its board cell deltas (kept with it), and how to
/// answer once the group is committed.
pub struct Done {
    pub ok: bool,
    pub cells: Cells,
    pub deliver: Box<dyn FnOnce(Result<(), String>) + Send>,
}

/// A write, run inside the group's transaction.
pub type Job<DB> =
    Box<dyn for<'c> FnOnce(&'c mut sqlx::Transaction<'static, DB>) -> BoxFuture<'c, Done> + Send>;

/// Jobs waiting for the writer before senders wait.
pub const QUEUE: usize = 4096;
/// The most jobs in one transaction.
pub const GROUP_MAX: usize = 256;

/// The sending side of a store's writer.
pub struct Writer<DB: sqlx::Database> {
    sender: mpsc::Sender<Job<DB>>,
}

impl<DB: sqlx::Database> Clone for Writer<DB> {
    fn clone(&self) -> Self {
        Writer {
            sender: self.sender.clone(),
        }
    }
}

impl<DB: sqlx::Database> std::fmt::Debug for Writer<DB> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").finish_non_exhaustive()
    }
}

impl<DB: sqlx::Database> Writer<DB> {
    /// A writer taking jobs from the queue `receiver` is fed by (see `start_writer` in
    /// the store).
    pub fn channel() -> (Writer<DB>, mpsc::Receiver<Job<DB>>) {
        let (sender, receiver) = mpsc::channel(QUEUE);
        (Writer { sender }, receiver)
    }

    /// Run `f` in the writer's next group; its result once the group is committed.
    pub async fn write<R, F>(&self, f: F) -> StoreResult<R>
    where
        R: Send + 'static,
        F: for<'c> FnOnce(&'c mut sqlx::Transaction<'static, DB>) -> BoxFuture<'c, StoreResult<R>>
            + Send
            + 'static,
    {
        self.write_counting(move |tx| {
            Box::pin(async move { f(tx).await.map(|r| (r, Cells::new())) })
        })
        .await
    }

    /// As [`Writer::write`], for a job that changes the board: `f` gives back the cell
    /// deltas of what it wrote, and the writer adds them to the cells with the group's.
    pub async fn write_counting<R, F>(&self, f: F) -> StoreResult<R>
    where
        R: Send + 'static,
        F: for<'c> FnOnce(
                &'c mut sqlx::Transaction<'static, DB>,
            ) -> BoxFuture<'c, StoreResult<(R, Cells)>>
            + Send
            + 'static,
    {
        let (answer, answered) = oneshot::channel::<StoreResult<R>>();
        let job: Job<DB> = Box::new(move |tx| {
            Box::pin(async move {
                let (result, cells) = match f(tx).await {
                    Ok((r, cells)) => (Ok(r), cells),
                    Err(e) => (Err(e), Cells::new()),
                };
                Done {
                    ok: result.is_ok(),
                    cells,
                    deliver: Box::new(move |commit| {
                        let _ = answer.send(match commit {
                            Ok(()) => result,
                            Err(e) => Err(StoreError::Unavailable(e)),
                        });
                    }),
                }
            })
        });
        self.sender
            .send(job)
            .await
            .map_err(|_| StoreError::Unavailable("the writer has stopped".into()))?;
        answered
            .await
            .map_err(|_| StoreError::Unavailable("the write was not carried out".into()))?
    }
}
