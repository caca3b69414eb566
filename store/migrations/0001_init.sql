-- 0001: communities, members, channels, events and what reports read.
--
-- Times are integer unix milliseconds, UTC. Platform ids (bot.Community.ID,
-- bot.Member.ID, bot.Channel.ID) are ext_id; the integer ids are this
-- database's own, so events stay small.

CREATE TABLE communities (
    id            INTEGER PRIMARY KEY,
    ext_id        TEXT    NOT NULL UNIQUE,   -- "slack:T0123"
    platform      TEXT    NOT NULL,
    name          TEXT    NOT NULL DEFAULT '',
    first_sync_at INTEGER                    -- the first complete directory
);

CREATE TABLE members (
    id            INTEGER PRIMARY KEY,
    community_id  INTEGER NOT NULL REFERENCES communities (id),
    ext_id        TEXT    NOT NULL,
    name          TEXT    NOT NULL DEFAULT '',
    name_fold     TEXT    NOT NULL DEFAULT '', -- lower-cased name, for lookups
    is_bot        INTEGER NOT NULL DEFAULT 0,
    tz            TEXT    NOT NULL DEFAULT '',
    admin         INTEGER NOT NULL DEFAULT 0,
    first_seen    INTEGER NOT NULL,
    joined_at     INTEGER,                     -- latest join, if seen
    left_at       INTEGER,                     -- left and not back since
    -- there when Hearth started: never new, joined long before
    before_hearth INTEGER NOT NULL DEFAULT 0,
    -- latest activity event (message, reply, reaction, check-in answer)
    last_active   INTEGER,
    UNIQUE (community_id, ext_id)
);
CREATE INDEX members_by_name ON members (community_id, name_fold);
-- A community's members in id order: reports walk them and join their days.
CREATE INDEX members_by_community ON members (community_id);

CREATE TABLE channels (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    ext_id       TEXT    NOT NULL,
    name         TEXT    NOT NULL DEFAULT '',
    name_fold    TEXT    NOT NULL DEFAULT '',
    UNIQUE (community_id, ext_id)
);
CREATE INDEX channels_by_name ON channels (community_id, name_fold);

CREATE TABLE events (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    key          TEXT    NOT NULL,           -- bot.Event.Key
    kind         TEXT    NOT NULL,
    channel_id   INTEGER REFERENCES channels (id), -- NULL: community-level
    member_id    INTEGER NOT NULL REFERENCES members (id),
    at           INTEGER NOT NULL,
    message      TEXT    NOT NULL DEFAULT '', -- platform id of the message
    parent       TEXT    NOT NULL DEFAULT '', -- platform id of a reply's thread
    -- for top-level messages: the earliest reply in the thread by someone
    -- other than the author (NULL: none yet)
    answered_at  INTEGER,
    UNIQUE (community_id, key)
);
-- Reports: the raw events at a period's edges.
CREATE INDEX events_by_time ON events (community_id, at, kind, member_id, channel_id);
-- A member's latest activity before a time, and their counts.
CREATE INDEX events_by_member ON events (community_id, member_id, at, kind);
-- Threads: a reply finds its message, a message its replies.
CREATE INDEX messages_by_id ON events (community_id, message) WHERE kind = 'message';
CREATE INDEX replies_by_parent ON events (community_id, parent, at, channel_id, member_id) WHERE kind = 'reply';
-- Unanswered messages of a period.
CREATE INDEX messages_by_time ON events (community_id, at, channel_id, answered_at, member_id, message) WHERE kind = 'message';

-- Keys of retracted messages and replies: a late redelivery stays deleted.
CREATE TABLE tombstones (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    key          TEXT    NOT NULL,
    at           INTEGER NOT NULL,
    PRIMARY KEY (community_id, key)
) WITHOUT ROWID;

-- Daily rollups of activity events (message, reply, reaction, check-in
-- answer), kept by Record in the same transaction as the events. A report
-- reads whole UTC days here and only the partial days at its edges from
-- events. Days are unix ms / 86400000.

-- Per member, channel and day: channel-filtered reports, and where
-- member_days reads a member's channels of the day from. channel_id 0: no
-- channel (check-in answers). Rows that drop to zero are deleted.
CREATE TABLE member_channel_days (
    community_id    INTEGER NOT NULL,
    member_id       INTEGER NOT NULL,
    day             INTEGER NOT NULL,
    channel_id      INTEGER NOT NULL,
    messages        INTEGER NOT NULL DEFAULT 0,
    replies         INTEGER NOT NULL DEFAULT 0,
    reactions       INTEGER NOT NULL DEFAULT 0,
    checkin_answers INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, member_id, day, channel_id)
) WITHOUT ROWID;
CREATE INDEX member_channel_days_by_channel ON member_channel_days (community_id, channel_id, member_id, day);

-- Per member and day, with the channels they were active in that day
-- (comma-separated channel ids): the per-member figures of a report.
CREATE TABLE member_days (
    community_id    INTEGER NOT NULL,
    member_id       INTEGER NOT NULL,
    day             INTEGER NOT NULL,
    messages        INTEGER NOT NULL DEFAULT 0,
    replies         INTEGER NOT NULL DEFAULT 0,
    reactions       INTEGER NOT NULL DEFAULT 0,
    checkin_answers INTEGER NOT NULL DEFAULT 0,
    channels        TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, member_id, day)
) WITHOUT ROWID;

-- Per channel and day, bots left out: a report's channel figures and
-- activity counts. channel_id 0: no channel (check-in answers).
CREATE TABLE channel_days (
    community_id    INTEGER NOT NULL,
    channel_id      INTEGER NOT NULL,
    day             INTEGER NOT NULL,
    messages        INTEGER NOT NULL DEFAULT 0,
    replies         INTEGER NOT NULL DEFAULT 0,
    reactions       INTEGER NOT NULL DEFAULT 0,
    checkin_answers INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, channel_id, day)
) WITHOUT ROWID;

CREATE TABLE facilitators (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    member_ext   TEXT    NOT NULL,            -- platform id; a member row may not exist
    added_by     TEXT    NOT NULL DEFAULT '',
    added_at     INTEGER NOT NULL,
    PRIMARY KEY (community_id, member_ext)
) WITHOUT ROWID;
