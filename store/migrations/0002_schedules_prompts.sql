-- 0002: schedules and their firings, the prompt deck, the prompts Hearth
-- posted, and per-community settings.
--
-- As in 0001, times are integer unix milliseconds (UTC) and NULL stands for
-- "no time"; community_id and channel_id are this database's own ids.

-- AUTOINCREMENT: a removed schedule's id is never given to a new one, so a
-- runner (or a facilitator) holding an old id cannot reach a new schedule.
CREATE TABLE schedules (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    kind         TEXT    NOT NULL,
    spec         TEXT    NOT NULL,
    tz           TEXT    NOT NULL DEFAULT '',  -- '' : the community's zone
    channel      TEXT    NOT NULL DEFAULT '',  -- platform channel id
    payload      TEXT    NOT NULL DEFAULT '',
    paused       INTEGER NOT NULL DEFAULT 0,
    created_by   TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER
);
CREATE INDEX schedules_by_community ON schedules (community_id, id);

-- One row per claimed (schedule, intended time): the primary key is the
-- exactly-once guard, across goroutines and processes alike.
CREATE TABLE firings (
    schedule_id INTEGER NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,             -- the intended time
    status      TEXT    NOT NULL,
    missed      INTEGER NOT NULL DEFAULT 0,
    ran_at      INTEGER,
    error       TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (schedule_id, at)
) WITHOUT ROWID;

CREATE TABLE deck_prompts (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    text         TEXT    NOT NULL,
    added_by     TEXT    NOT NULL DEFAULT '',
    added_at     INTEGER,
    times_posted INTEGER NOT NULL DEFAULT 0,
    last_posted  INTEGER
);
-- The deck, least used first: DeckPrompts and NextDeckPrompt.
CREATE INDEX deck_prompts_by_use ON deck_prompts (community_id, times_posted, id);

CREATE TABLE prompt_posts (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    channel_id   INTEGER NOT NULL REFERENCES channels (id),
    message      TEXT    NOT NULL DEFAULT '', -- platform id of the post
    prompt_id    INTEGER,                     -- the deck prompt; NULL: the schedule's own text
    schedule_id  INTEGER,                     -- NULL: posted from a command; no reference,
                                              -- a removed schedule's posts stay
    text         TEXT    NOT NULL,
    at           INTEGER NOT NULL
);
-- The prompts of a report's period (and all of them, oldest first).
CREATE INDEX prompt_posts_by_time ON prompt_posts (community_id, at);
-- A post is recorded once, however often the core retries.
CREATE UNIQUE INDEX prompt_posts_by_message ON prompt_posts (community_id, channel_id, message) WHERE message <> '';

-- A prompt's reactions in reports (its replies use replies_by_parent).
CREATE INDEX reactions_by_message ON events (community_id, message, channel_id, at, member_id) WHERE kind = 'reaction';

CREATE TABLE settings (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    key          TEXT    NOT NULL,
    value        TEXT    NOT NULL,
    PRIMARY KEY (community_id, key)
) WITHOUT ROWID;
