-- 0014: the web dashboard's sign-in (see ../0014_dashboard_auth.sql).
CREATE TABLE dashboard_links (
    token_hash   TEXT   NOT NULL PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    member_ext   TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used_at      BIGINT
);
CREATE INDEX dashboard_links_by_member ON dashboard_links (community_id, member_ext);
CREATE INDEX dashboard_links_by_expiry ON dashboard_links (expires_at);

CREATE TABLE dashboard_sessions (
    secret_hash  TEXT   NOT NULL PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    member_ext   TEXT   NOT NULL,
    started_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    ended_at     BIGINT
);
CREATE INDEX dashboard_sessions_by_member ON dashboard_sessions (community_id, member_ext);
CREATE INDEX dashboard_sessions_by_expiry ON dashboard_sessions (expires_at);
