-- PostgreSQL twin of ../0003_surveys.sql: the same tables, columns and indexes in
-- PostgreSQL's types (BIGINT for INTEGER, BYTEA for BLOB). Identity columns,
-- like SQLite's AUTOINCREMENT, never give a removed row's id again.

-- Check-in surveys a community imported (the built-in templates live in the
-- core). The definition is the survey as JSON: it is read whole, never queried.
CREATE TABLE surveys (
    community_id BIGINT NOT NULL REFERENCES communities (id),
    name         TEXT    NOT NULL,
    definition   TEXT    NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (community_id, name)
);
