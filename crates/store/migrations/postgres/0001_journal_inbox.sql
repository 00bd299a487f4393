-- paymux-store schema 1 (PostgreSQL): the idempotency journal, the webhook inbox, seen events.
-- Times are milliseconds since the Unix epoch (UTC); flags are 0 or 1.

CREATE TABLE paymux_journal (
    id              BIGSERIAL PRIMARY KEY,
    instance        TEXT    NOT NULL,
    logical_key     TEXT    NOT NULL,
    operation       TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL,
    fingerprint     TEXT    NOT NULL,
    request         TEXT    NOT NULL,
    replayable      BIGINT  NOT NULL,
    state           TEXT    NOT NULL,
    attempt         BIGINT  NOT NULL,
    is_retry        BIGINT  NOT NULL,
    result          TEXT,
    error           TEXT,
    reusable        BIGINT  NOT NULL DEFAULT 0,
    owner           TEXT,
    lease_until     BIGINT  NOT NULL,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    UNIQUE (instance, logical_key)
);
-- Only what recovery looks for: entries in flight or unknown. No index on the times: pruning
-- walks the table in id order (oldest first), so every settled entry's update stays cheap.
CREATE INDEX paymux_journal_unsettled ON paymux_journal (instance, id)
    WHERE state IN ('in_flight', 'unknown');

CREATE TABLE paymux_inbox (
    id              BIGSERIAL PRIMARY KEY,
    instance        TEXT    NOT NULL,
    event_id        TEXT    NOT NULL,
    resource        TEXT,
    kind            TEXT,
    event           TEXT,
    body            BYTEA   NOT NULL,
    state           TEXT    NOT NULL,
    attempts        BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    lease_owner     TEXT,
    lease_until     BIGINT  NOT NULL DEFAULT 0,
    last_error      TEXT,
    received_at     BIGINT  NOT NULL,
    finished_at     BIGINT,
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
    seen_at  BIGINT  NOT NULL,
    PRIMARY KEY (instance, event_id)
);
CREATE INDEX paymux_seen_events_at ON paymux_seen_events (seen_at);
