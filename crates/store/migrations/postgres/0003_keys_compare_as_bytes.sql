-- paymux-store schema 3 (PostgreSQL): identifiers compare byte by byte (collation "C"), as
-- SQLite's BINARY always did. Instance names, logical keys, event ids and resource keys are
-- opaque: a locale's order means nothing for them, costs a strcoll() call per comparison in
-- their unique indexes, and ties those indexes to the C library's collation tables, whose
-- changes across OS upgrades can leave a text index out of order, and a unique constraint
-- blind to a duplicate. Indexes on these columns are rebuilt; the tables are not rewritten.

ALTER TABLE paymux_journal
    ALTER COLUMN instance TYPE TEXT COLLATE "C",
    ALTER COLUMN logical_key TYPE TEXT COLLATE "C";

ALTER TABLE paymux_journal_mark
    ALTER COLUMN instance TYPE TEXT COLLATE "C";

ALTER TABLE paymux_inbox
    ALTER COLUMN instance TYPE TEXT COLLATE "C",
    ALTER COLUMN event_id TYPE TEXT COLLATE "C",
    ALTER COLUMN resource TYPE TEXT COLLATE "C";

ALTER TABLE paymux_seen_events
    ALTER COLUMN instance TYPE TEXT COLLATE "C",
    ALTER COLUMN event_id TYPE TEXT COLLATE "C";
