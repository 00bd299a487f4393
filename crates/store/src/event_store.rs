//! Core's [`EventStore`] on the database, for endpoints that handle webhooks inline.

use async_trait::async_trait;
use paymux_core::webhook::EventStore;
use paymux_core::{EventId, ProviderId, Result};

use crate::db::{Db, Store, db_error, now_ms, with_pool};

/// A durable [`EventStore`]: `first_seen` is `true` once per (instance, event id) across
/// restarts and across every replica sharing the database (a primary key decides).
///
/// It keeps core's semantics: an event is marked seen when it is checked, so if the handler
/// then fails, the gateway's redelivery is dropped as a duplicate. Where that matters, use
/// the [`Inbox`](crate::Inbox), which marks an event done only when its handler succeeded.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> paymux_core::Result<()> {
/// use paymux_core::webhook::EventStore;
/// use paymux_core::{EventId, ProviderId};
/// let store = paymux_store::Store::sqlite_in_memory().await?;
/// store.migrate().await?;
/// let seen = paymux_store::SqlEventStore::new(store);
/// let (p, e) = (ProviderId::new("paychtec"), EventId::new("evt_1"));
/// assert!(seen.first_seen(&p, &e).await?);
/// assert!(!seen.first_seen(&p, &e).await?);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SqlEventStore {
    db: Db,
}

impl std::fmt::Debug for SqlEventStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlEventStore").finish_non_exhaustive()
    }
}

impl SqlEventStore {
    /// The store's `paymux_seen_events` table as an [`EventStore`] (migrated store).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// let store = paymux_store::Store::sqlite_in_memory().await?;
    /// let seen = paymux_store::SqlEventStore::new(store);
    /// # let _ = seen;
    /// # Ok(()) }
    /// ```
    pub fn new(store: Store) -> Self {
        SqlEventStore { db: store.db }
    }
}

#[async_trait]
impl EventStore for SqlEventStore {
    async fn first_seen(&self, provider: &ProviderId, event_id: &EventId) -> Result<bool> {
        let n = with_pool!(&self.db, pool => sqlx::query(
            "INSERT INTO paymux_seen_events (instance, event_id, seen_at) VALUES ($1, $2, $3) \
             ON CONFLICT (instance, event_id) DO NOTHING",
        )
        .bind(provider.as_str())
        .bind(event_id.as_str())
        .bind(now_ms())
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
        .map_err(|e| db_error("recording a seen event", e))?;
        Ok(n == 1)
    }
}

/// Deletes marks older than `cutoff`.
pub(crate) async fn prune_seen(db: &Db, cutoff: i64) -> Result<u64> {
    let n = with_pool!(db, pool => sqlx::query("DELETE FROM paymux_seen_events WHERE seen_at < $1")
        .bind(cutoff)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
    .map_err(|e| db_error("pruning seen events", e))?;
    Ok(n)
}
