-- PostgreSQL twin of ../0011_applied_lines.sql: the same tables, columns and indexes in
-- PostgreSQL's types (BIGINT for INTEGER, BYTEA for BLOB). Identity columns,
-- like SQLite's AUTOINCREMENT, never give a removed row's id again.

-- 0011: the shell's applied lines, so replaying a script after an
-- interruption does not run its commands (or clicks, or written answers)
-- twice. A row is a claim: the line's identity (a hash of the community,
-- the member, the simulated instant and the line as written; never the
-- text itself, which is not stored) and when it was applied.
CREATE TABLE applied_lines (
    community_id BIGINT NOT NULL,
    line_hash    TEXT NOT NULL,
    at           BIGINT NOT NULL,
    PRIMARY KEY (community_id, line_hash)
);
