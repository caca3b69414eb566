-- 0006: the library (shared resources and success stories), resource_share
-- in the day rollups, and when a member was welcomed.
--
-- As before, times are integer unix milliseconds (UTC) and NULL stands for
-- "no time"; platform ids are TEXT, community_id and member_id this
-- database's own ids.

-- resource_share events (a member shared a resource with /hearth share) are
-- activity, rolled up like the other kinds: under the event's channel, or
-- channel_id 0 when it has none. The days recorded before this migration had
-- none.
ALTER TABLE member_channel_days ADD COLUMN resource_shares INTEGER NOT NULL DEFAULT 0;
ALTER TABLE member_days ADD COLUMN resource_shares INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channel_days ADD COLUMN resource_shares INTEGER NOT NULL DEFAULT 0;

-- When Hearth sent the member its welcome DM (bot.MemberPrefs.WelcomedAt).
ALTER TABLE member_prefs ADD COLUMN welcomed_at INTEGER; -- NULL: never

-- A link a member shared into the community's library (bot.Resource).
-- AUTOINCREMENT, as for schedules and nudges: a resource's id is shown in
-- chat (to remove it), and must never come to name another resource.
CREATE TABLE resources (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    member_id    INTEGER NOT NULL REFERENCES members (id), -- who shared it
    channel      TEXT    NOT NULL DEFAULT '',  -- platform channel id; '' : none
    url          TEXT    NOT NULL,
    -- Space-separated, lower case, without a leading '#', sorted, distinct:
    -- ' ' || tags || ' ' holds ' ' || tag || ' ' exactly when it has the tag.
    tags         TEXT    NOT NULL DEFAULT '',
    note         TEXT    NOT NULL DEFAULT '',
    -- url, note and tags lower-cased in Go (SQLite folds only ASCII), one
    -- per line: what a search's words are looked for in.
    search       TEXT    NOT NULL,
    shared_at    INTEGER NOT NULL,
    UNIQUE (community_id, url)
);
-- A community's library, newest first (Resources).
CREATE INDEX resources_by_time ON resources (community_id, shared_at, id);
-- A member's resources (ExportMember, ForgetMember, and the foreign key
-- check when a member row is deleted).
CREATE INDEX resources_by_member ON resources (member_id);

-- A success story or a reflection on a shift in practice (bot.Story).
-- AUTOINCREMENT: a story's id is shown in chat (to change its consent).
CREATE TABLE stories (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    member_id    INTEGER NOT NULL REFERENCES members (id),
    text         TEXT    NOT NULL,
    consent      TEXT    NOT NULL CHECK (consent IN ('private', 'anonymous', 'named')), -- bot.StoryConsent
    source       TEXT    NOT NULL,             -- "command" or "checkin"
    -- The check-in run the story answered; NULL for /hearth story. No
    -- reference: a story outlives what happens to its run.
    run_id       INTEGER,
    at           INTEGER NOT NULL
);
-- A check-in story is kept once per run and member: answering again
-- replaces its text and consent (AddStory updates it in place).
CREATE UNIQUE INDEX stories_by_run ON stories (community_id, run_id, member_id) WHERE run_id IS NOT NULL;
-- A community's stories, oldest first (Stories).
CREATE INDEX stories_by_time ON stories (community_id, at, id);
-- A member's stories (ExportMember, ForgetMember, the foreign key check).
CREATE INDEX stories_by_member ON stories (member_id);
