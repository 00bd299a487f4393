//! Group commit for the journal: every new entry and every outcome (both inserts) goes through
//! one writer task per journal, which takes all that is waiting (up to a batch) and commits it
//! in one transaction. Each caller waits for the commit that holds its row, so "recorded before
//! sending" still holds for each call; the database sees one commit per batch instead of two
//! per call.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;

use paymux_core::{Error, ErrorKind, Result};
use tokio::sync::{mpsc, oneshot};

use crate::db::{Db, db_error, now_ms};

/// A new journal entry (of the writer's instance), in flight from the moment it commits.
#[derive(Debug, Clone)]
pub(crate) struct NewEntry {
    pub(crate) logical_key: String,
    pub(crate) operation: &'static str,
    pub(crate) idempotency_key: String,
    pub(crate) fingerprint: String,
    pub(crate) request: String,
    pub(crate) replayable: bool,
    pub(crate) is_retry: bool,
}

/// The outcome of one attempt.
#[derive(Debug, Clone)]
pub(crate) struct Completion {
    pub(crate) id: i64,
    pub(crate) attempt: i64,
    pub(crate) state: &'static str,
    pub(crate) result: Option<String>,
    pub(crate) error: Option<String>,
    pub(crate) reusable: bool,
}

#[derive(Debug)]
enum Op {
    Begin(NewEntry),
    Complete(Completion),
}

#[derive(Debug, Clone, Copy)]
enum Outcome {
    /// The entry's id, or `None` when its logical key was already taken.
    Inserted(Option<i64>),
    /// The attempt's outcome is recorded.
    Recorded,
}

enum Reply {
    Begin(oneshot::Sender<Result<Option<i64>>>),
    Complete(oneshot::Sender<Result<()>>),
}

impl Reply {
    fn send(self, outcome: Result<Outcome>) {
        match (self, outcome) {
            (Reply::Begin(tx), Ok(Outcome::Inserted(id))) => {
                let _ = tx.send(Ok(id));
            }
            (Reply::Complete(tx), Ok(Outcome::Recorded)) => {
                let _ = tx.send(Ok(()));
            }
            (Reply::Begin(tx), Err(e)) => {
                let _ = tx.send(Err(e));
            }
            (Reply::Complete(tx), Err(e)) => {
                let _ = tx.send(Err(e));
            }
            (Reply::Begin(tx), Ok(_)) => {
                let _ = tx.send(Err(Error::invalid_response("paymux-store: writer mismatch")));
            }
            (Reply::Complete(tx), Ok(_)) => {
                let _ = tx.send(Err(Error::invalid_response("paymux-store: writer mismatch")));
            }
        }
    }
}

/// The journal's writer: a task started on first use.
#[derive(Debug)]
pub(crate) struct Writer {
    db: Db,
    instance: String,
    owner: String,
    lease_ms: i64,
    max_batch: usize,
    window: Duration,
    tx: OnceLock<mpsc::Sender<(Op, Reply)>>,
}

impl Writer {
    pub(crate) fn new(
        db: Db,
        instance: String,
        owner: String,
        lease_ms: i64,
        max_batch: usize,
        window: Duration,
    ) -> Self {
        Writer {
            db,
            instance,
            owner,
            lease_ms,
            max_batch: max_batch.max(1),
            window,
            tx: OnceLock::new(),
        }
    }

    fn sender(&self) -> &mpsc::Sender<(Op, Reply)> {
        self.tx.get_or_init(|| {
            let (tx, rx) = mpsc::channel(self.max_batch.saturating_mul(4));
            let task = Task {
                db: self.db.clone(),
                instance: self.instance.clone(),
                owner: self.owner.clone(),
                lease_ms: self.lease_ms,
                max_batch: self.max_batch,
                window: self.window,
                #[cfg(feature = "sqlite")]
                sqlite: None,
            };
            tokio::spawn(task.run(rx));
            tx
        })
    }

    async fn submit(&self, op: Op, reply: Reply) -> Result<()> {
        self.sender().send((op, reply)).await.map_err(|_| stopped())
    }

    /// Records a new entry; `None` when the logical key is taken already.
    pub(crate) async fn begin(&self, entry: NewEntry) -> Result<Option<i64>> {
        let (tx, rx) = oneshot::channel();
        self.submit(Op::Begin(entry), Reply::Begin(tx)).await?;
        rx.await.map_err(|_| stopped())?
    }

    /// Records an attempt's outcome. The outcome of an attempt that another took over
    /// meanwhile is recorded too, and never read: an entry reads as its current attempt's.
    pub(crate) async fn complete(&self, completion: Completion) -> Result<()> {
        let (tx, rx) = oneshot::channel();
        self.submit(Op::Complete(completion), Reply::Complete(tx)).await?;
        rx.await.map_err(|_| stopped())?
    }
}

fn stopped() -> Error {
    Error::new(ErrorKind::ProviderUnavailable, "paymux-store: the journal writer has stopped")
}

/// A failure shared by every row of a batch: each caller gets its own copy.
fn copy(e: &Error) -> Error {
    Error::new(e.kind(), e.message().to_owned())
}

struct Task {
    db: Db,
    instance: String,
    owner: String,
    lease_ms: i64,
    max_batch: usize,
    window: Duration,
    /// The SQLite connection kept while batches follow one another (see [`Task::run`]).
    #[cfg(feature = "sqlite")]
    sqlite: Option<sqlx::pool::PoolConnection<sqlx::Sqlite>>,
}

impl Task {
    /// One batch at a time: the rows that arrive while a batch commits wait in the channel and
    /// make the next batch. Batches in parallel would split the same rows into more, smaller
    /// commits, and a commit costs the database more than the rows in it (benches/README.md,
    /// section 4).
    ///
    /// While batches follow one another the writer keeps its SQLite connection: SQLite drops
    /// a connection's page cache whenever another connection of the file wrote since its last
    /// transaction, so a batch on the pool's next idle connection would read the tables'
    /// pages again. The connection goes back to the pool when no row waits, and after every
    /// batch when the pool has only that one.
    ///
    /// Under load (the last batch held more than one row) the writer waits up to its commit
    /// window after the first row of a batch for the rows of the calls close behind: fewer,
    /// larger commits, each of which costs the database more than the rows in it. A lone
    /// call in a quiet service commits at once.
    async fn run(mut self, mut rx: mpsc::Receiver<(Op, Reply)>) {
        let mut waiting = Vec::with_capacity(self.max_batch);
        let mut under_load = false;
        while rx.recv_many(&mut waiting, self.max_batch).await > 0 {
            if under_load && !self.window.is_zero() && waiting.len() < self.max_batch {
                tokio::time::sleep(self.window).await;
                while waiting.len() < self.max_batch {
                    let Ok(row) = rx.try_recv() else { break };
                    waiting.push(row);
                }
            }
            under_load = waiting.len() > 1;
            self.flush(&mut waiting).await;
            if rx.is_empty() {
                self.release();
            }
        }
    }

    /// Gives the writer's kept connection back to the pool.
    fn release(&mut self) {
        #[cfg(feature = "sqlite")]
        {
            self.sqlite = None;
        }
    }

    /// Commits one batch and answers every caller in it.
    async fn flush(&mut self, batch: &mut Vec<(Op, Reply)>) {
        let (ops, replies): (Vec<Op>, Vec<Reply>) = batch.drain(..).unzip();
        match self.apply(&ops).await {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    reply.send(Ok(outcome));
                }
            }
            Err(e) if ops.len() > 1 => {
                // One bad row must not fail the others: each alone.
                tracing::warn!(error = %e, rows = ops.len(), "journal batch failed; writing its rows one by one");
                for (op, reply) in ops.into_iter().zip(replies) {
                    let one = self.apply(std::slice::from_ref(&op)).await;
                    reply.send(one.and_then(|mut o| {
                        o.pop().ok_or_else(|| Error::invalid_response("paymux-store: no outcome"))
                    }));
                }
            }
            Err(e) => {
                for reply in replies {
                    reply.send(Err(copy(&e)));
                }
            }
        }
    }

    async fn apply(&mut self, ops: &[Op]) -> Result<Vec<Outcome>> {
        let now = now_ms();
        let lease_until = now.saturating_add(self.lease_ms);
        let begins: Vec<&NewEntry> = ops
            .iter()
            .filter_map(|op| if let Op::Begin(e) = op { Some(e) } else { None })
            .collect();
        let completes: Vec<&Completion> = ops
            .iter()
            .filter_map(|op| if let Op::Complete(c) = op { Some(c) } else { None })
            .collect();
        let rows = match &self.db {
            #[cfg(feature = "sqlite")]
            Db::Sqlite(pool) => {
                let mut conn = match self.sqlite.take() {
                    Some(conn) => conn,
                    None => pool
                        .acquire()
                        .await
                        .map_err(|e| db_error("recording journal entries", e))?,
                };
                let rows =
                    self.apply_sqlite(&mut conn, &begins, &completes, now, lease_until).await;
                // A connection whose batch failed goes back to the pool, which tests it
                // before its next use; the pool's only connection is never kept.
                if rows.is_ok() && pool.options().get_max_connections() > 1 {
                    self.sqlite = Some(conn);
                }
                rows?
            }
            #[cfg(feature = "postgres")]
            Db::Postgres(pool) => {
                self.apply_pg(pool, &begins, &completes, now, lease_until).await?
            }
        };
        // `rows`: (id, logical key) per entry inserted. The writer serves one journal, so one
        // instance: the logical key names the entry.
        let mut inserted: HashMap<String, i64> =
            rows.into_iter().map(|(id, key)| (key, id)).collect();
        Ok(ops
            .iter()
            .map(|op| match op {
                // The first row of a logical key in the batch took it; a later one with the
                // same key conflicts, as it would in a later batch.
                Op::Begin(e) => Outcome::Inserted(inserted.remove(e.logical_key.as_str())),
                Op::Complete(_) => Outcome::Recorded,
            })
            .collect())
    }

    /// SQLite: the whole batch in one command to the connection's worker thread (a round trip
    /// costs a pass of the async runtime's queue, which under load is most of a batch's time):
    /// a transaction of fixed statements of `SQLITE_CHUNK` rows each, unused rows NULL, so
    /// each text (one per number of chunks of each kind) stays prepared.
    #[cfg(feature = "sqlite")]
    async fn apply_sqlite(
        &self,
        conn: &mut sqlx::SqliteConnection,
        begins: &[&NewEntry],
        completes: &[&Completion],
        now: i64,
        lease_until: i64,
    ) -> Result<Vec<Row>> {
        let fail = |e| db_error("recording journal entries", e);
        let sql = batch_sqlite(
            begins.len().div_ceil(SQLITE_CHUNK),
            completes.len().div_ceil(SQLITE_CHUNK),
        );
        let mut q = sqlx::query_as::<_, Row>(&sql);
        for chunk in begins.chunks(SQLITE_CHUNK) {
            q = q.bind(&self.instance).bind(&self.owner).bind(lease_until).bind(now).bind(now);
            for slot in 0..SQLITE_CHUNK {
                let e = chunk.get(slot);
                q = q
                    .bind(e.map(|e| e.logical_key.as_str()))
                    .bind(e.map(|e| e.operation))
                    .bind(e.map(|e| e.idempotency_key.as_str()))
                    .bind(e.map(|e| e.fingerprint.as_str()))
                    .bind(e.map(|e| e.request.as_str()))
                    .bind(e.map(|e| i64::from(e.replayable)))
                    .bind(e.map(|e| i64::from(e.is_retry)));
            }
        }
        for chunk in completes.chunks(SQLITE_CHUNK) {
            q = q.bind(now);
            for slot in 0..SQLITE_CHUNK {
                let c = chunk.get(slot);
                q = q
                    .bind(c.map(|c| c.id))
                    .bind(c.map(|c| c.attempt))
                    .bind(c.map(|c| c.state))
                    .bind(c.and_then(|c| c.result.as_deref()))
                    .bind(c.and_then(|c| c.error.as_deref()))
                    .bind(c.map(|c| i64::from(c.reusable)));
            }
        }
        let rows = q.fetch_all(&mut *conn).await;
        if rows.is_err() {
            // Leave no transaction open on the connection.
            let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
        }
        rows.map_err(fail)
    }

    /// PostgreSQL: the whole batch in one statement (so one round trip and one commit): an
    /// `INSERT ... SELECT FROM UNNEST` of the new entries returning what it inserted, with
    /// one of the outcomes as a data-modifying CTE; one text whatever the batch size, so it
    /// stays prepared.
    ///
    /// A logical key is seldom taken already, so the batch goes first as a plain insert,
    /// which checks the unique index once as it inserts; `ON CONFLICT DO NOTHING` looks each
    /// key up before it inserts as well. A batch that meets a taken key fails whole, and
    /// goes again with `ON CONFLICT DO NOTHING`.
    #[cfg(feature = "postgres")]
    async fn apply_pg(
        &self,
        pool: &sqlx::PgPool,
        begins: &[&NewEntry],
        completes: &[&Completion],
        now: i64,
        lease_until: i64,
    ) -> Result<Vec<Row>> {
        let batch = |sql| self.batch_pg(sql, pool, begins, completes, now, lease_until);
        match batch(BATCH_PG).await {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                batch(BATCH_PG_SOME_TAKEN).await
            }
            rows => rows,
        }
        .map_err(|e| db_error("recording journal entries", e))
    }

    #[cfg(feature = "postgres")]
    async fn batch_pg(
        &self,
        sql: &'static str,
        pool: &sqlx::PgPool,
        begins: &[&NewEntry],
        completes: &[&Completion],
        now: i64,
        lease_until: i64,
    ) -> std::result::Result<Vec<Row>, sqlx::Error> {
        let col = |f: fn(&NewEntry) -> &str| begins.iter().map(|e| f(e)).collect::<Vec<&str>>();
        sqlx::query_as::<_, Row>(sql)
            .bind(&self.instance)
            .bind(col(|e| &e.logical_key))
            .bind(col(|e| e.operation))
            .bind(col(|e| &e.idempotency_key))
            .bind(col(|e| &e.fingerprint))
            .bind(col(|e| &e.request))
            .bind(begins.iter().map(|e| i64::from(e.replayable)).collect::<Vec<_>>())
            .bind(begins.iter().map(|e| i64::from(e.is_retry)).collect::<Vec<_>>())
            .bind(&self.owner)
            .bind(lease_until)
            .bind(now)
            .bind(completes.iter().map(|c| c.id).collect::<Vec<_>>())
            .bind(completes.iter().map(|c| c.attempt).collect::<Vec<_>>())
            .bind(completes.iter().map(|c| c.state).collect::<Vec<&str>>())
            .bind(completes.iter().map(|c| c.result.as_deref()).collect::<Vec<Option<&str>>>())
            .bind(completes.iter().map(|c| c.error.as_deref()).collect::<Vec<Option<&str>>>())
            .bind(completes.iter().map(|c| i64::from(c.reusable)).collect::<Vec<_>>())
            .fetch_all(pool)
            .await
    }
}

/// One row of a batch's answer: an entry inserted, by id and logical key.
type Row = (i64, String);

// Outcomes are inserted without a look at their entry: one of an attempt taken over meanwhile
// is never read (an entry reads as its current attempt's outcome), and prune deletes it with
// its entry. Whatever `recover` marked on the entry meanwhile for that same attempt, the
// outcome wins (the gateway's answer is better than "unknown").

/// Rows per SQLite statement: 7 parameters each, well under SQLite's limit of 32,766.
#[cfg(feature = "sqlite")]
const SQLITE_CHUNK: usize = 64;

/// `(?, ..), ..` for `SQLITE_CHUNK` rows of `width` parameters. Parameters are anonymous and
/// bound in the order of the text: sqlx looks up a named parameter's number by a scan of the
/// statement's list of names, once per parameter, which costs more than the insert itself
/// for a statement of a few hundred.
#[cfg(feature = "sqlite")]
fn sqlite_rows(width: usize) -> String {
    let row = format!("({})", vec!["?"; width].join(", "));
    vec![row; SQLITE_CHUNK].join(", ")
}

/// One transaction of `inserts` chunks of new entries and `outcomes` chunks of outcomes.
/// Parameters, in the order of the text: per chunk of entries the instance, the owner, the
/// lease's end and the time twice, then its rows; per chunk of outcomes the time, then its rows.
#[cfg(feature = "sqlite")]
fn batch_sqlite(inserts: usize, outcomes: usize) -> std::sync::Arc<str> {
    type Texts = std::sync::Mutex<HashMap<(usize, usize), std::sync::Arc<str>>>;
    static TEXTS: OnceLock<Texts> = OnceLock::new();
    let mut texts =
        TEXTS.get_or_init(Texts::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    texts
        .entry((inserts, outcomes))
        .or_insert_with(|| {
            let insert = format!(
                "INSERT INTO paymux_journal (instance, logical_key, operation, \
                     idempotency_key, fingerprint, request, replayable, state, attempt, \
                     is_retry, owner, lease_until, created_at, updated_at) \
                 SELECT ?, column1, column2, column3, column4, column5, column6, \
                        'in_flight', 1, column7, ?, ?, ?, ? \
                 FROM (VALUES {}) WHERE column1 IS NOT NULL \
                 ON CONFLICT (instance, logical_key) DO NOTHING \
                 RETURNING id, logical_key; ",
                sqlite_rows(7)
            );
            let outcome = format!(
                "INSERT INTO paymux_journal_outcome (entry_id, attempt, state, result, error, \
                     reusable, recorded_at) \
                 SELECT column1, column2, column3, column4, column5, column6, ? \
                 FROM (VALUES {}) WHERE column1 IS NOT NULL; ",
                sqlite_rows(6)
            );
            format!(
                "BEGIN IMMEDIATE; {}{}COMMIT;",
                insert.repeat(inserts),
                outcome.repeat(outcomes)
            )
            .into()
        })
        .clone()
}

/// The PostgreSQL batch, with what follows the insert of the new entries.
#[cfg(feature = "postgres")]
macro_rules! batch_pg {
    ($on_conflict:literal) => {
        concat!(
            "WITH outcomes AS ( \
       INSERT INTO paymux_journal_outcome (entry_id, attempt, state, result, error, \
           reusable, recorded_at) \
       SELECT c.id, c.attempt, c.state, c.result, c.error, c.reusable, $11 \
       FROM UNNEST($12::bigint[], $13::bigint[], $14::text[], $15::text[], $16::text[], \
                   $17::bigint[]) AS c(id, attempt, state, result, error, reusable)) \
     INSERT INTO paymux_journal (instance, logical_key, operation, idempotency_key, \
         fingerprint, request, replayable, state, attempt, is_retry, owner, lease_until, \
         created_at, updated_at) \
     SELECT $1, u.logical_key, u.operation, u.idempotency_key, u.fingerprint, \
            u.request, u.replayable, 'in_flight', 1, u.is_retry, $9, $10, $11, $11 \
     FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
                 $7::bigint[], $8::bigint[]) \
          AS u(logical_key, operation, idempotency_key, fingerprint, request, \
               replayable, is_retry) ",
            $on_conflict,
            " RETURNING id, logical_key"
        )
    };
}

#[cfg(feature = "postgres")]
const BATCH_PG: &str = batch_pg!("");

#[cfg(feature = "postgres")]
const BATCH_PG_SOME_TAKEN: &str = batch_pg!("ON CONFLICT (instance, logical_key) DO NOTHING");
