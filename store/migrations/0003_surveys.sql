-- Check-in surveys a community imported (the built-in templates live in the
-- core). The definition is the survey as JSON: it is read whole, never queried.
CREATE TABLE surveys (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    name         TEXT    NOT NULL,
    definition   TEXT    NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (community_id, name)
) WITHOUT ROWID;
