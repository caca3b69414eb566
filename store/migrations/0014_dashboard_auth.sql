-- 0014: the web dashboard's sign-in (bot/dashboard). A facilitator's
-- one-time link and the session it starts are kept under the SHA-256 (hex)
-- of their token or secret, never the raw value, so every instance can
-- check them and a copy of the database signs no one in. member_ext is the
-- member's platform id, as in facilitators ('' for the operator's, from
-- `hearth dashboard`); ForgetMember deletes a member's rows. Times are
-- unix ms; used_at and ended_at are NULL until the link is used or the
-- session signed out. Expired rows are purged daily (PurgeDashboard).
CREATE TABLE dashboard_links (
    token_hash   TEXT    NOT NULL PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    member_ext   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER
) WITHOUT ROWID;
CREATE INDEX dashboard_links_by_member ON dashboard_links (community_id, member_ext);
CREATE INDEX dashboard_links_by_expiry ON dashboard_links (expires_at);

CREATE TABLE dashboard_sessions (
    secret_hash  TEXT    NOT NULL PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    member_ext   TEXT    NOT NULL,
    started_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    ended_at     INTEGER
) WITHOUT ROWID;
CREATE INDEX dashboard_sessions_by_member ON dashboard_sessions (community_id, member_ext);
CREATE INDEX dashboard_sessions_by_expiry ON dashboard_sessions (expires_at);
