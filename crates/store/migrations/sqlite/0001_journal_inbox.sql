-- paymux-store schema 1 (SQLite): the idempotency journal, the webhook inbox, seen events.
-- Times are milliseconds since the Unix epoch (UTC); flags are 0 or 1.

CREATE TABLE paymux_journal (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    instance        TEXT    NOT NULL,
    logical_key     TEXT    NOT NULL,
    operation       TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL,
    fingerprint     TEXT    NOT NULL,
    request         TEXT    NOT NULL,
    replayable      INTEGER NOT NULL,
    state           TEXT    NOT NULL,
    attempt         INTEGER NOT NULL,
    is_retry        INTEGER NOT NULL,
    result          TEXT,
    error           TEXT,
    reusable        INTEGER NOT NULL DEFAULT 0,
    owner           TEXT,
    lease_until     INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (instance, logical_key)
);
-- Only what recovery looks for: entries in flight or unknown. No index on the times: pruning
-- walks the table in id order (oldest first), so every settled entry's update stays cheap.
CREATE INDEX paymux_journal_unsettled ON paymux_journal (instance, id)
    WHERE state IN ('in_flight', 'unknown');

CREATE TABLE paymux_inbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    instance        TEXT    NOT NULL,
    event_id        TEXT    NOT NULL,
    resource        TEXT,
    kind            TEXT,
    event           TEXT,
    body            BLOB    NOT NULL,
    state           TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_owner     TEXT,
    lease_until     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    received_at     INTEGER NOT NULL,
    finished_at     INTEGER,
    UNIQUE (instance, event_id)
);
CREATE INDEX paymux_inbox_open ON paymux_inbox (id)
    WHERE state IN ('pending', 'processing');
CREATE INDEX paymux_inbox_open_resource ON paymux_inbox (instance, resource, id)
    WHERE state IN ('pending', 'processing');
CREATE INDEX paymux_inbox_finished ON paymux_inbox (finished_at)
    WHERE state IN ('done', 'dead');

CREATE TABLE paymux_seen_events (
    instance TEXT    NOT NULL,
    event_id TEXT    NOT NULL,
    seen_at  INTEGER NOT NULL,
    PRIMARY KEY (instance, event_id)
);
CREATE INDEX paymux_seen_events_at ON paymux_seen_events (seen_at);
