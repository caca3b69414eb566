-- 0015: importing a community's history (issue 18).
--
-- One row per import a facilitator (or the operator, offline) asked for:
-- the history from since to requested_at is read from the platform.
-- status is 'queued', 'running', 'done' or 'failed'; several instances
-- share the work through the lease 'history:<community>', so one reads at
-- a time. requested_by is the member's platform id ('' offline, or once
-- they are forgotten); progress_at and progress_channels are when and at
-- how many channels done the last progress DM went out.
CREATE TABLE history_imports (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id      INTEGER NOT NULL REFERENCES communities (id),
    requested_by      TEXT    NOT NULL,
    since             INTEGER NOT NULL,
    requested_at      INTEGER NOT NULL,
    started_at        INTEGER,
    finished_at       INTEGER,
    status            TEXT    NOT NULL,
    joins_done        INTEGER NOT NULL DEFAULT 0,
    channels_listed   INTEGER NOT NULL DEFAULT 0,
    progress_at       INTEGER,
    progress_channels INTEGER NOT NULL DEFAULT 0,
    error             TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX history_imports_by_status ON history_imports (status, community_id);

-- One row per channel of an import: where its read stands (the adapter's
-- opaque cursor after the last page recorded), what it counted, and
-- whether it is read through. A page's events are recorded first and the
-- cursor saved after, so a crash between the two reads the page again and
-- the events' keys make that harmless; the counts move with the cursor.
CREATE TABLE history_channels (
    import_id      INTEGER NOT NULL REFERENCES history_imports (id),
    channel        TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    position       INTEGER NOT NULL,
    cursor         TEXT    NOT NULL DEFAULT '',
    events         INTEGER NOT NULL DEFAULT 0,
    skipped_bots   INTEGER NOT NULL DEFAULT 0,
    skipped_gone   INTEGER NOT NULL DEFAULT 0,
    done           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (import_id, channel)
) WITHOUT ROWID;

-- The members who asked to be forgotten, so that an import never brings
-- them back: only a hash (hex SHA-256 of the community id, a zero byte and
-- the member id; bot.MemberTombstone), never the id. Live events of a
-- member who comes back are recorded as before; only imports skip them.
-- (The table "tombstones" of 0001 is another thing: retracted event keys.)
CREATE TABLE member_tombstones (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    member_hash  TEXT    NOT NULL,
    PRIMARY KEY (community_id, member_hash)
) WITHOUT ROWID;
