-- 0012: leases, claimed by instances sharing the database: a named piece
-- of work (a Discord shard's gateway session) that one instance at a time
-- may do. The holder renews its lease before expires_at (unix ms); once
-- that passes, any instance may take it over.
CREATE TABLE leases (
    name       TEXT NOT NULL PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
