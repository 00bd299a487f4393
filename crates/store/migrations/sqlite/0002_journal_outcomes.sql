-- paymux-store schema 2 (SQLite): an attempt's outcome is a row of its own, inserted once,
-- instead of an update of the entry (a second version of a wide row, its index entries and
-- their vacuum, per call). An entry's state is its current attempt's outcome when there is
-- one, else its own `state` (in flight, or marked unknown by recovery).

CREATE TABLE paymux_journal_outcome (
    entry_id    INTEGER NOT NULL,
    attempt     INTEGER NOT NULL,
    state       TEXT    NOT NULL,
    result      TEXT,
    error       TEXT,
    reusable    INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (entry_id, attempt)
) WITHOUT ROWID;

-- Recovery scans an instance's entries from `settled_below` (every entry below it is
-- settled); `version` moves with every takeover of an older entry, so a recovery pass that
-- raced one does not move the mark past it.
CREATE TABLE paymux_journal_mark (
    instance      TEXT    PRIMARY KEY,
    settled_below INTEGER NOT NULL,
    version       INTEGER NOT NULL
);

-- The entry's state no longer changes when it settles: an index on it would list every entry.
DROP INDEX paymux_journal_unsettled;
