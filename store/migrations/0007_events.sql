-- 0007: events (meetings, webinars), their RSVPs and attendance, and the
-- rsvp and attended kinds in the day rollups.
--
-- As before, times are integer unix milliseconds (UTC) and NULL stands for
-- "no time"; platform ids are TEXT, community_id and member_id this
-- database's own ids.

-- rsvp and attended events are activity, rolled up like the other kinds:
-- under the event's channel (where it was announced). The days recorded
-- before this migration had none.
ALTER TABLE member_channel_days ADD COLUMN rsvps INTEGER NOT NULL DEFAULT 0;
ALTER TABLE member_days ADD COLUMN rsvps INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channel_days ADD COLUMN rsvps INTEGER NOT NULL DEFAULT 0;
ALTER TABLE member_channel_days ADD COLUMN attendances INTEGER NOT NULL DEFAULT 0;
ALTER TABLE member_days ADD COLUMN attendances INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channel_days ADD COLUMN attendances INTEGER NOT NULL DEFAULT 0;

-- An event of the community (bot.CommunityEvent). AUTOINCREMENT: its id is
-- shown in chat (to cancel it) and in reports, and must never come to name
-- another event.
CREATE TABLE community_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    title        TEXT    NOT NULL,
    starts_at    INTEGER NOT NULL,
    ends_at      INTEGER NOT NULL,
    link         TEXT    NOT NULL DEFAULT '',
    channel      TEXT    NOT NULL DEFAULT '',   -- platform channel id of the announcement
    series_id    INTEGER,                        -- the recurring schedule; no reference: it may be removed
    created_by   TEXT    NOT NULL DEFAULT '',   -- platform id; blanked when they are forgotten
    created_at   INTEGER NOT NULL,
    cancelled_at INTEGER,                        -- NULL: not cancelled
    message      TEXT    NOT NULL DEFAULT '',   -- the announcement's platform id
    external_id  TEXT    NOT NULL DEFAULT '',   -- the platform's own event (Discord scheduled event)
    feedback_run INTEGER                         -- the event-feedback check-in run
);
-- A community's events by end (lists, reports).
CREATE INDEX community_events_by_end ON community_events (community_id, ends_at, id);

-- One member's answer to one event, and their attendance (bot.RSVP).
-- choice '' is a member marked there without having answered.
CREATE TABLE event_rsvps (
    event_id    INTEGER NOT NULL REFERENCES community_events (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL REFERENCES members (id),
    choice      TEXT    NOT NULL CHECK (choice IN ('', 'going', 'maybe', 'not_going')),
    at          INTEGER NOT NULL,   -- of the latest choice (or the attendance, without one)
    attended_at INTEGER,            -- NULL: not marked there
    PRIMARY KEY (event_id, member_id)
) WITHOUT ROWID;
-- A member's RSVPs (ForgetMember, the foreign key check).
CREATE INDEX event_rsvps_by_member ON event_rsvps (member_id);
