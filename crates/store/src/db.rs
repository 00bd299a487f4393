//! The database behind a [`Store`]: one sqlx pool of either backend, the embedded migrations,
//! and what every query needs (clock, error mapping, row access).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use paymux_core::{Error, ErrorKind, Result};

#[cfg(not(any(feature = "sqlite", feature = "postgres")))]
compile_error!("paymux-store needs a backend: enable the `sqlite` or the `postgres` feature");

/// The pool of one backend.
#[derive(Clone, Debug)]
pub(crate) enum Db {
    /// SQLite: a file, or memory.
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqlitePool),
    /// PostgreSQL.
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
}

/// Runs `$body` with `$pool` bound to the pool of whichever backend `$db` is. The body is
/// compiled once per backend, so the same query text and binds serve both where their SQL
/// agrees.
macro_rules! with_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            #[cfg(feature = "sqlite")]
            $crate::db::Db::Sqlite($pool) => $body,
            #[cfg(feature = "postgres")]
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

/// Which database a [`Store`] runs on.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> paymux_core::Result<()> {
/// let store = paymux_store::Store::sqlite_in_memory().await?;
/// assert_eq!(store.backend(), paymux_store::Backend::Sqlite);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite (a file, or memory).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// A connection pool to the database holding the journal and the inbox, of either backend.
/// Cheap to clone (the pool is shared).
///
/// Nothing is created until [`migrate`](Store::migrate) is called: applying the schema is the
/// service's explicit decision (at start-up, or from a deploy step).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> paymux_core::Result<()> {
/// let dir = std::env::temp_dir().join(format!("paymux-store-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).expect("temp dir");
/// let store = paymux_store::Store::sqlite(dir.join("paymux.db")).await?;
/// store.migrate().await?;
/// # drop(store); let _ = std::fs::remove_dir_all(&dir);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Store {
    pub(crate) db: Db,
}

/// Names the backend only: nothing of the connection settings (a URL may hold a password).
impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend()).finish_non_exhaustive()
    }
}

impl Store {
    /// Connects by URL: `sqlite:path/to/file.db` (created when missing), `sqlite::memory:`,
    /// or `postgres://user@host:port/database`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// let store = paymux_store::Store::connect("sqlite::memory:").await?;
    /// store.migrate().await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(url: &str) -> Result<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            #[cfg(feature = "postgres")]
            return Store::postgres(url).await;
            #[cfg(not(feature = "postgres"))]
            return Err(Error::configuration(
                "paymux-store was built without the `postgres` feature",
            ));
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            #[cfg(feature = "sqlite")]
            {
                let rest = rest.trim_start_matches("//");
                if rest == ":memory:" || rest.is_empty() {
                    return Store::sqlite_in_memory().await;
                }
                return Store::sqlite(rest).await;
            }
            #[cfg(not(feature = "sqlite"))]
            {
                let _ = rest;
                return Err(Error::configuration(
                    "paymux-store was built without the `sqlite` feature",
                ));
            }
        }
        Err(Error::configuration(
            "store URL must start with sqlite: or postgres:// (the URL itself is not repeated here: it may hold a password)",
        ))
    }

    /// Rows a SQLite connection's thread may hand over before its reader takes them: more
    /// than a journal batch answers, so a batch's transaction never waits for the async
    /// runtime to come round to its reader while it holds SQLite's write lock.
    #[cfg(feature = "sqlite")]
    pub const SQLITE_ROW_BUFFER: usize = 1024;

    /// A SQLite file (created when missing) in WAL mode with `synchronous=FULL`: a committed
    /// entry survives a crash of the process and of the machine. Several processes may open
    /// the same file; SQLite lets one write at a time.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("paymux-store-doc2-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).expect("temp dir");
    /// let store = paymux_store::Store::sqlite(dir.join("paymux.db")).await?;
    /// # drop(store); let _ = std::fs::remove_dir_all(&dir);
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "sqlite")]
    pub async fn sqlite(path: impl AsRef<std::path::Path>) -> Result<Store> {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(Self::sqlite_options(path))
            .await
            .map_err(|e| db_error("opening the SQLite database", e))?;
        Ok(Store { db: Db::Sqlite(pool) })
    }

    /// The connection options [`Store::sqlite`] opens its file with, for a pool of your own
    /// ([`Store::from_sqlite_pool`]): WAL with `synchronous=FULL`, a 10 s busy timeout,
    /// [`Store::SQLITE_ROW_BUFFER`], and temporary data in memory. The last keeps the journal
    /// of each statement of a batch (which SQLite writes so that a failed statement can be
    /// undone alone) out of a temporary file: it is thrown away at every commit.
    ///
    /// ```
    /// use paymux_store::sqlx::sqlite::SqlitePoolOptions;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("paymux-store-doc3-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).expect("temp dir");
    /// let options = paymux_store::Store::sqlite_options(dir.join("paymux.db"));
    /// let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await
    ///     .expect("pool");
    /// let store = paymux_store::Store::from_sqlite_pool(pool);
    /// store.migrate().await?;
    /// # drop(store); let _ = std::fs::remove_dir_all(&dir);
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "sqlite")]
    pub fn sqlite_options(path: impl AsRef<std::path::Path>) -> sqlx::sqlite::SqliteConnectOptions {
        use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
        SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .pragma("temp_store", "memory")
            .row_buffer_size(Self::SQLITE_ROW_BUFFER)
    }

    /// A private SQLite database in memory, for tests: gone when the store (and every clone)
    /// is dropped. One connection, so every query of the store takes its turn.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// let store = paymux_store::Store::sqlite_in_memory().await?;
    /// store.migrate().await?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "sqlite")]
    pub async fn sqlite_in_memory() -> Result<Store> {
        use sqlx::sqlite::SqliteConnectOptions;
        use std::str::FromStr;
        let options = SqliteConnectOptions::from_str("sqlite::memory:")
            .map_err(|e| db_error("in-memory SQLite options", e))?
            .row_buffer_size(Self::SQLITE_ROW_BUFFER);
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(|e| db_error("opening the in-memory SQLite database", e))?;
        Ok(Store { db: Db::Sqlite(pool) })
    }

    /// A pool of up to 16 connections to PostgreSQL (`postgres://user@host:port/database`).
    ///
    /// ```no_run
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// let store = paymux_store::Store::postgres("postgres://postgres@127.0.0.1:5432/test").await?;
    /// store.migrate().await?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "postgres")]
    pub async fn postgres(url: &str) -> Result<Store> {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(|e| db_error("connecting to PostgreSQL", e))?;
        Ok(Store { db: Db::Postgres(pool) })
    }

    /// A store over a SQLite pool you configured yourself (sqlx is re-exported as
    /// [`paymux_store::sqlx`](crate::sqlx)). Start from [`Store::sqlite_options`] for a file:
    /// the journal's throughput and durability assume them.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// use paymux_store::sqlx::sqlite::SqlitePoolOptions;
    /// let pool = SqlitePoolOptions::new().max_connections(1).connect("sqlite::memory:").await
    ///     .expect("pool");
    /// let store = paymux_store::Store::from_sqlite_pool(pool);
    /// store.migrate().await?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "sqlite")]
    pub fn from_sqlite_pool(pool: sqlx::SqlitePool) -> Store {
        Store { db: Db::Sqlite(pool) }
    }

    /// A store over a PostgreSQL pool you configured yourself (TLS, a schema in
    /// `search_path`, pool sizes).
    ///
    /// ```no_run
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// use paymux_store::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
    /// let options: PgConnectOptions = "postgres://postgres@127.0.0.1/test".parse().expect("url");
    /// let pool = PgPoolOptions::new()
    ///     .connect_with(options.options([("search_path", "payments")]))
    ///     .await
    ///     .expect("pool");
    /// let store = paymux_store::Store::from_pg_pool(pool);
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "postgres")]
    pub fn from_pg_pool(pool: sqlx::PgPool) -> Store {
        Store { db: Db::Postgres(pool) }
    }

    /// The backend.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// let store = paymux_store::Store::sqlite_in_memory().await?;
    /// assert_eq!(store.backend(), paymux_store::Backend::Sqlite);
    /// # Ok(()) }
    /// ```
    pub fn backend(&self) -> Backend {
        with_pool!(&self.db, pool => pool.backend())
    }

    /// Creates or updates the schema (the tables of the crate docs) with the migrations
    /// embedded in this build. Safe to call on every start: applied migrations are skipped,
    /// and on PostgreSQL concurrent callers wait for each other (an advisory lock).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// let store = paymux_store::Store::sqlite_in_memory().await?;
    /// store.migrate().await?;
    /// store.migrate().await?; // nothing left to apply
    /// # Ok(()) }
    /// ```
    pub async fn migrate(&self) -> Result<()> {
        let result = with_pool!(&self.db, pool => pool.migrator().run(pool).await);
        result.map_err(|e| {
            Error::configuration(format!("paymux-store: applying the schema failed: {e}"))
                .with_source(e)
        })
    }

    /// Deletes settled journal entries, finished inbox events and seen-event marks older than
    /// `older_than` (see [`Journal::prune`](crate::Journal::prune) and
    /// [`Inbox::prune`](crate::Inbox::prune) for what each keeps). Call it from a periodic
    /// job; [`DEFAULT_RETENTION`](crate::DEFAULT_RETENTION) is 30 days.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// let store = paymux_store::Store::sqlite_in_memory().await?;
    /// store.migrate().await?;
    /// let pruned = store.prune(paymux_store::DEFAULT_RETENTION).await?;
    /// assert_eq!(pruned.total(), 0);
    /// # Ok(()) }
    /// ```
    pub async fn prune(&self, older_than: Duration) -> Result<PruneReport> {
        let cutoff = cutoff_ms(older_than);
        Ok(PruneReport {
            journal: crate::journal::prune_journal(&self.db, cutoff).await?,
            inbox: crate::inbox::prune_inbox(&self.db, cutoff).await?,
            seen_events: crate::event_store::prune_seen(&self.db, cutoff).await?,
        })
    }

    /// Runs `sql` (one statement, no parameters) on this store's database: for maintenance,
    /// and for tests that look at the tables directly.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// let store = paymux_store::Store::sqlite_in_memory().await?;
    /// store.migrate().await?;
    /// assert_eq!(store.execute("DELETE FROM paymux_inbox").await?, 0);
    /// # Ok(()) }
    /// ```
    pub async fn execute(&self, sql: &str) -> Result<u64> {
        let done = with_pool!(&self.db, pool => sqlx::raw_sql(sql).execute(pool).await.map(|r| r.rows_affected()));
        done.map_err(|e| db_error("executing a statement", e))
    }

    /// Closes the pool: waits for connections in use to come back, then closes them all.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> paymux_core::Result<()> {
    /// let store = paymux_store::Store::sqlite_in_memory().await?;
    /// store.close().await;
    /// # Ok(()) }
    /// ```
    pub async fn close(&self) {
        with_pool!(&self.db, pool => pool.close().await)
    }
}

/// What differs between the pools of the two backends.
trait PoolKind {
    fn backend(&self) -> Backend;
    fn migrator(&self) -> &'static sqlx::migrate::Migrator;
}

#[cfg(feature = "sqlite")]
static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

#[cfg(feature = "postgres")]
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

#[cfg(feature = "sqlite")]
impl PoolKind for sqlx::SqlitePool {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }
    fn migrator(&self) -> &'static sqlx::migrate::Migrator {
        &SQLITE_MIGRATIONS
    }
}

#[cfg(feature = "postgres")]
impl PoolKind for sqlx::PgPool {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }
    fn migrator(&self) -> &'static sqlx::migrate::Migrator {
        &POSTGRES_MIGRATIONS
    }
}

/// What [`Store::prune`] deleted.
///
/// ```
/// let report = paymux_store::PruneReport::default();
/// assert_eq!(report.total(), 0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PruneReport {
    /// Settled journal entries.
    pub journal: u64,
    /// Finished (done or dead) inbox events.
    pub inbox: u64,
    /// Marks of [`SqlEventStore`](crate::SqlEventStore).
    pub seen_events: u64,
}

impl PruneReport {
    /// Rows deleted in all.
    ///
    /// ```
    /// let report = paymux_store::PruneReport { journal: 2, inbox: 3, seen_events: 0 };
    /// assert_eq!(report.total(), 5);
    /// ```
    pub fn total(&self) -> u64 {
        self.journal + self.inbox + self.seen_events
    }
}

/// Milliseconds since the Unix epoch: how every time is stored.
pub(crate) fn now_ms() -> i64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

/// `d` in milliseconds, saturating.
pub(crate) fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// The time `older_than` ago, in milliseconds.
pub(crate) fn cutoff_ms(older_than: Duration) -> i64 {
    now_ms().saturating_sub(ms(older_than))
}

/// A stored time as a date (the epoch for a value out of range).
pub(crate) fn to_datetime(ms: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

/// A database failure as a paymux error: the store is unavailable (retry later). The message
/// names what was being done; sqlx's text names no credentials.
pub(crate) fn db_error(what: &str, e: sqlx::Error) -> Error {
    Error::new(ErrorKind::ProviderUnavailable, format!("paymux-store: {what}: {e}")).with_source(e)
}

/// Reads columns of a row of either backend.
pub(crate) trait RowExt {
    /// An integer column.
    fn int(&self, col: &str) -> Result<i64>;
    /// A text column.
    fn text(&self, col: &str) -> Result<String>;
    /// A nullable text column.
    fn opt_text(&self, col: &str) -> Result<Option<String>>;
    /// A binary column.
    fn bytes(&self, col: &str) -> Result<Vec<u8>>;
}

fn column_error(col: &str, e: sqlx::Error) -> Error {
    Error::invalid_response(format!("paymux-store: column {col}: {e}")).with_source(e)
}

macro_rules! row_ext {
    ($row:ty) => {
        impl RowExt for $row {
            fn int(&self, col: &str) -> Result<i64> {
                sqlx::Row::try_get(self, col).map_err(|e| column_error(col, e))
            }
            fn text(&self, col: &str) -> Result<String> {
                sqlx::Row::try_get(self, col).map_err(|e| column_error(col, e))
            }
            fn opt_text(&self, col: &str) -> Result<Option<String>> {
                sqlx::Row::try_get(self, col).map_err(|e| column_error(col, e))
            }
            fn bytes(&self, col: &str) -> Result<Vec<u8>> {
                sqlx::Row::try_get(self, col).map_err(|e| column_error(col, e))
            }
        }
    };
}

#[cfg(feature = "sqlite")]
row_ext!(sqlx::sqlite::SqliteRow);
#[cfg(feature = "postgres")]
row_ext!(sqlx::postgres::PgRow);
