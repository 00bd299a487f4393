//! # paymux-store
//!
//! The state paymux's guarantees need beyond one process, in a database that several
//! replicas share: SQLite (a file; memory for tests) or PostgreSQL, through sqlx.
//!
//! - [`Journal`]: a [`PaymentProvider`](paymux_core::PaymentProvider) around any other (a
//!   connector, a router) that records every mutation before it is sent. After a crash, a
//!   deploy or on another replica, the same logical operation gets the recorded result or is
//!   retried with the recorded idempotency key: never a second payment.
//!   [`Journal::recover`] settles what a stopped process left in flight.
//! - [`Inbox`]: verified webhooks stored raw and deduplicated before the endpoint answers,
//!   then handed to your handler at least once, in order per payment, with retries, backoff
//!   and a dead-letter state. Several consumers drain one PostgreSQL inbox without handling an
//!   event twice.
//! - [`SqlEventStore`]: core's [`EventStore`](paymux_core::webhook::EventStore), durable.
//! - Retention: [`Store::prune`] (30 days: [`DEFAULT_RETENTION`]).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> paymux_core::Result<()> {
//! use std::sync::Arc;
//! use paymux::{CreatePayment, Currency, MockProvider, Money, PaymentProvider};
//! use paymux_store::{Inbox, Journal, Store};
//!
//! let store = Store::connect("sqlite::memory:").await?; // or sqlite:payments.db, postgres://...
//! store.migrate().await?;                               // explicit: your start-up decides
//!
//! let journal = Journal::new(Arc::new(MockProvider::new()), store.clone());
//! journal.recover().await?;                             // settle what a crash left in flight
//! let gateway: Arc<dyn PaymentProvider> = Arc::new(journal);
//! let payment = gateway
//!     .create_payment(CreatePayment::new(Money::from_minor(1050, Currency::USD)?).with_reference("order_1"))
//!     .await?;
//! # let _ = payment;
//!
//! let inbox = Inbox::new(store);                        // receive in the endpoint, drain in a worker
//! # let _ = inbox;
//! # Ok(()) }
//! ```
//!
//! Backends are cargo features, both on by default: `sqlite` and `postgres`. Migrations are
//! embedded (`sqlx::migrate!`, one set per backend) and applied only by [`Store::migrate`].
//! No query is checked against a live database at compile time.
//!
//! ## The journal
//!
//! The **logical operation** of a call is the caller's idempotency key; else, for
//! `create_payment`, its merchant reference (for `create_refund`, its `merchant_refund_id`);
//! else a key generated for the call. Only the first two let a retry after a crash find the
//! earlier call; an entry under a generated key is settled by `recover` alone.
//!
//! | state | meaning | the same logical operation again |
//! |---|---|---|
//! | `in_flight` | recorded, being sent, under its caller's lease | waits for it (up to [`JournalConfig::with_wait`]); once the lease ran out, or its owner name restarted, takes it over and retries with the same key, marked `retrying` |
//! | `done` | the gateway answered; the result is recorded | gets the recorded result (a reference whose payment ended failed, cancelled or expired starts a new attempt with a new key) |
//! | `failed` | certainly nothing done at the gateway; the error is recorded | under a key: the recorded error, or a new attempt with the same key when the error was retryable; under a reference: a new attempt with a new key |
//! | `unknown` | sent, outcome not known | retried with the same key, marked `retrying` (pay.tech then looks the payment up by reference before sending) |
//!
//! A different request (another fingerprint) under the same idempotency key is refused with
//! `InvalidRequest`; under the same merchant reference with `Conflict`, unless the
//! reference's last attempt certainly failed.
//!
//! **Replicas** are kept apart by the database, not by process memory: the unique constraint
//! on `(instance, logical_key)` decides which caller records an operation first (the others
//! wait and get its result), and every takeover is a conditional `UPDATE` on the entry's
//! `attempt` and state, which one caller wins. Writes are group-committed: one writer task
//! per journal takes every row waiting (up to [`JournalConfig::with_max_batch`]) and commits
//! them together, one batch at a time (what arrives meanwhile makes the next one; under load
//! it first waits [`JournalConfig::with_commit_window`], 1 ms, for the calls close behind): on
//! PostgreSQL as one statement (two `INSERT ... SELECT FROM UNNEST`, the outcomes' as a
//! data-modifying CTE), on SQLite as one command of fixed statements binding 64 rows each. On
//! PostgreSQL the batch goes first as a plain insert and again with `ON CONFLICT DO NOTHING`
//! only when it met a key already taken. Entries and outcomes are both inserts: an outcome is a row of its own,
//! never an update of the entry, and is inserted without a look at the entry (the outcome of
//! an attempt taken over meanwhile is kept and never read). Each caller waits for the commit
//! of its entry before sending, and for the commit of its outcome before returning.
//!
//! **What is stored of a request**: its business fields as JSON (amount, reference,
//! customer, billing, order lines, capture mode, metadata, URLs), the card's last four
//! digits and expiry, and the names of the gateways whose options it carried. Never a card
//! number, a CVC or a cardholder name (the fingerprint, a SHA-256, covers the name), and not
//! the gateway options' values. A request with card details or gateway options therefore
//! cannot be rebuilt by `recover`: it is left `unknown` for the application's retry, which
//! carries the whole request.
//!
//! ## The inbox
//!
//! | state | meaning |
//! |---|---|
//! | `pending` | stored; due at `next_attempt_at` |
//! | `processing` | a consumer's handler has it until `lease_until` |
//! | `done` | a handler succeeded |
//! | `dead` | failed [`InboxConfig::with_max_attempts`] times; listed, replayable |
//!
//! An event is handed out only when every earlier event (by receipt) of the same payment is
//! done or dead (refund events count under their payment). PostgreSQL consumers claim with
//! `SELECT ... FOR UPDATE SKIP LOCKED`; on SQLite a claim is one `UPDATE ... RETURNING`,
//! which the database runs alone.
//!
//! ## Schema
//!
//! Times are milliseconds since the Unix epoch (UTC), flags are 0 or 1, JSON is text. Types
//! are SQLite's; PostgreSQL uses `BIGINT`, `BIGSERIAL` and `BYTEA`, and compares the
//! identifiers (`instance`, `logical_key`, `event_id`, `resource`) byte by byte (`COLLATE
//! "C"`, since schema 3), as SQLite does.
//!
//! `paymux_journal`, one row per logical operation and instance:
//!
//! | column | type | |
//! |---|---|---|
//! | `id` | INTEGER PK | |
//! | `instance` | TEXT | the wrapped provider's id |
//! | `logical_key` | TEXT | `key:<idempotency key>`, `payment_ref:<reference>`, `refund_ref:<merchant refund id>` or `gen:<key>` (`..._sha256:<hex>` past 200 bytes); UNIQUE with `instance` |
//! | `operation` | TEXT | `create_payment`, `confirm_payment`, `capture_payment`, `cancel_payment`, `create_refund`, `create_customer` |
//! | `idempotency_key` | TEXT | the key sent, and sent again on every retry |
//! | `fingerprint` | TEXT | hex SHA-256 of the request's business fields |
//! | `request` | TEXT | those fields as JSON (no card number, CVC or holder name) |
//! | `replayable` | INTEGER | 1 when `request` rebuilds the whole call |
//! | `state` | TEXT | `in_flight` when recorded or taken over, `unknown` when recovery could not resend it |
//! | `attempt` | INTEGER | 1, then one more per takeover or new attempt |
//! | `is_retry` | INTEGER | the current attempt repeats an unknown outcome |
//! | `error` | TEXT | why recovery marked it unknown (as JSON, like an outcome's) |
//! | `result`, `reusable` | | written by schema 1 only; see `paymux_journal_outcome` |
//! | `owner`, `lease_until` | TEXT, INTEGER | who holds an entry in flight, and until when |
//! | `created_at`, `updated_at` | INTEGER | |
//!
//! `paymux_journal_outcome`, one row per attempt that got an answer, inserted once and never
//! changed (an update of the entry would write a second version of a wide row, and its index
//! entries, for every call). An entry's state is its current attempt's outcome when there is
//! one, else the entry's own `state`; the outcome of an earlier attempt is never read, and
//! goes with its entry when pruned:
//!
//! | column | type | |
//! |---|---|---|
//! | `entry_id`, `attempt` | INTEGER | the entry and its attempt; primary key together |
//! | `state` | TEXT | `done`, `failed`, `unknown` (the gateway's answer left the outcome open) |
//! | `result` | TEXT | the `Payment`, `Refund`, `Customer` or `Payout` as JSON, when done |
//! | `error` | TEXT | the error (kind, message, gateway code, decline code) as JSON |
//! | `reusable` | INTEGER | the result ended unpaid: the reference may start over |
//! | `recorded_at` | INTEGER | |
//!
//! On SQLite it is an ordinary (rowid) table with the key in an index of its own since schema
//! 3; schema 2 made it `WITHOUT ROWID`, where every insert among rows of a kilobyte cost a
//! rebalancing of the key's b-tree.
//!
//! `paymux_journal_mark` (`instance` primary key, `settled_below`, `version`): every entry of
//! the instance below `settled_below` is settled, so recovery starts there. A recovery pass
//! moves it up to the first entry still unsettled or younger than a lease; a takeover of an
//! older entry lowers it and moves `version` on, and a pass that raced a takeover leaves the
//! mark where it is.
//!
//! `paymux_inbox`, one row per (instance, event id):
//!
//! | column | type | |
//! |---|---|---|
//! | `id` | INTEGER PK | the order of receipt |
//! | `instance`, `event_id` | TEXT | UNIQUE together; `unparsed:sha256:<hex>` for a body that verified but did not parse |
//! | `resource` | TEXT | the ordering key, `payment:<id>`, or NULL |
//! | `kind` | TEXT | the normalized event kind, NULL when unparsed |
//! | `event` | TEXT | the parsed event as JSON without its raw body, NULL when unparsed |
//! | `body` | BLOB | the body exactly as received |
//! | `state` | TEXT | `pending`, `processing`, `done`, `dead` |
//! | `attempts` | INTEGER | handler calls so far |
//! | `next_attempt_at` | INTEGER | when a pending event is due |
//! | `lease_owner`, `lease_until` | TEXT, INTEGER | the consumer handling it, and until when |
//! | `last_error` | TEXT | the last handler error |
//! | `received_at`, `finished_at` | INTEGER | |
//!
//! `paymux_seen_events` (`instance`, `event_id`, `seen_at`), primary key on the first two:
//! [`SqlEventStore`]'s marks.
//!
//! Indexes: the journal's `(instance, logical_key)` (unique) and its outcomes' primary key;
//! the inbox's `(instance, event_id)` (unique), `id` and
//! `(instance, resource, id)` for open events (partial), `finished_at` for finished ones
//! (partial). The journal has no index on its times or states, so recording an entry or an
//! outcome touches as few as possible; [`Store::prune`] walks it in id order, and recovery
//! scans it from its mark.
//!
//! PostgreSQL 12 or later (`MATERIALIZED` CTEs); SQLite 3.38 or later (bundled: 3.46).
//!
//! Plus sqlx's `_sqlx_migrations`. On PostgreSQL everything lives in the connection's
//! `search_path` schema.

mod db;
mod event_store;
mod inbox;
mod journal;
mod record;
mod writer;

pub use db::{Backend, PruneReport, Store};
pub use event_store::SqlEventStore;
pub use inbox::{Inbox, InboxConfig, InboxCounts, InboxEvent, InboxState, ProcessReport, Receipt};
pub use journal::{
    EntryState, Journal, JournalConfig, JournalEntry, OperationKey, RecoveryReport, Stage,
    StageHook,
};

/// The SQL toolkit the store runs on, for configuring pools yourself
/// ([`Store::from_sqlite_pool`], [`Store::from_pg_pool`]).
pub use sqlx;

/// How long [`Store::prune`] keeps settled entries by default: 30 days.
///
/// ```
/// assert_eq!(paymux_store::DEFAULT_RETENTION.as_secs(), 30 * 24 * 3600);
/// ```
pub const DEFAULT_RETENTION: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);
