-- paymux-store schema 2 (PostgreSQL): an attempt's outcome is a row of its own, inserted once,
-- instead of an update of the entry (a second version of a wide row, its index entries and
-- their vacuum, per call). An entry's state is its current attempt's outcome when there is
-- one, else its own `state` (in flight, or marked unknown by recovery).

CREATE TABLE paymux_journal_outcome (
    entry_id    BIGINT  NOT NULL,
    attempt     BIGINT  NOT NULL,
    state       TEXT    NOT NULL,
    result      TEXT,
    error       TEXT,
    reusable    BIGINT  NOT NULL,
    recorded_at BIGINT  NOT NULL,
    PRIMARY KEY (entry_id, attempt)
);

-- Recovery scans an instance's entries from `settled_below` (every entry below it is
-- settled); `version` moves with every takeover of an older entry, so a recovery pass that
-- raced one does not move the mark past it.
CREATE TABLE paymux_journal_mark (
    instance      TEXT    PRIMARY KEY,
    settled_below BIGINT  NOT NULL,
    version       BIGINT  NOT NULL
);

-- The entry's state no longer changes when it settles: an index on it would list every entry.
DROP INDEX paymux_journal_unsettled;
