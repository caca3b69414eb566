-- 0011: the shell's applied lines, so replaying a script after an
-- interruption does not run its commands (or clicks, or written answers)
-- twice. A row is a claim: the line's identity (a hash of the community,
-- the member, the simulated instant and the line as written; never the
-- text itself, which is not stored) and when it was applied.
CREATE TABLE applied_lines (
    community_id INTEGER NOT NULL,
    line_hash    TEXT NOT NULL,
    at           INTEGER NOT NULL,
    PRIMARY KEY (community_id, line_hash)
) WITHOUT ROWID;
