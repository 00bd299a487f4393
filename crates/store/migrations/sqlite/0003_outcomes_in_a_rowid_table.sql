-- paymux-store schema 3 (SQLite): outcomes move to an ordinary (rowid) table, with their key
-- (entry, attempt) in an index of its own. In a WITHOUT ROWID table the whole row, a result
-- of a kilobyte or so, sits in the key's b-tree, and every insert among such wide cells
-- rebalanced pages in the middle of it; a rowid table appends the row at its end and puts
-- only the small key in the index. Rows are copied as they are.

CREATE TABLE paymux_journal_outcome_v3 (
    entry_id    INTEGER NOT NULL,
    attempt     INTEGER NOT NULL,
    state       TEXT    NOT NULL,
    result      TEXT,
    error       TEXT,
    reusable    INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (entry_id, attempt)
);

INSERT INTO paymux_journal_outcome_v3
    (entry_id, attempt, state, result, error, reusable, recorded_at)
SELECT entry_id, attempt, state, result, error, reusable, recorded_at
FROM paymux_journal_outcome
ORDER BY entry_id, attempt;

DROP TABLE paymux_journal_outcome;

ALTER TABLE paymux_journal_outcome_v3 RENAME TO paymux_journal_outcome;
