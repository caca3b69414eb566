-- 0005: "I'm still here" in the day rollups, nudges, and members' nudge
-- preferences.
--
-- As before, times are integer unix milliseconds (UTC) and NULL stands for
-- "no time"; community_id and member_id are this database's own ids.

-- still_here events (a member answered a nudge with "I'm still here") are
-- activity, rolled up like check-in answers: channel_id 0, no channel. The
-- days recorded before this migration had none.
ALTER TABLE member_channel_days ADD COLUMN still_here INTEGER NOT NULL DEFAULT 0;
ALTER TABLE member_days ADD COLUMN still_here INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channel_days ADD COLUMN still_here INTEGER NOT NULL DEFAULT 0;

-- One invitation back to a quiet member (bot.Nudge). AUTOINCREMENT, as for
-- schedules and runs: a nudge's id goes into its buttons, and must never
-- come to name another nudge.
CREATE TABLE nudges (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    member_id    INTEGER NOT NULL REFERENCES members (id),
    wording      INTEGER NOT NULL DEFAULT 0,   -- index in the community's wordings
    queued_at    INTEGER NOT NULL,
    send_at      INTEGER NOT NULL,             -- outside the member's quiet hours
    sent_at      INTEGER,                      -- NULL until sent
    status       TEXT    NOT NULL,             -- bot.NudgeStatus
    response     TEXT    NOT NULL DEFAULT '',  -- bot.NudgeResponse; '' : none
    responded_at INTEGER,
    approved_by  TEXT    NOT NULL DEFAULT ''   -- platform id of the facilitator; '' : auto mode
);
-- A member's nudges, newest first (MemberNudges).
CREATE INDEX nudges_by_member ON nudges (community_id, member_id, queued_at, id);
-- A community's queue, by send time (QueuedNudges).
CREATE INDEX nudges_queued ON nudges (community_id, send_at, id) WHERE status = 'queued';
-- The nudges sent in a report's period.
CREATE INDEX nudges_sent ON nudges (community_id, sent_at, member_id) WHERE status = 'sent';

-- What a member chose about nudges, and what Hearth learned (bot.MemberPrefs).
-- A member without a row has the zero preferences.
CREATE TABLE member_prefs (
    community_id      INTEGER NOT NULL REFERENCES communities (id),
    member_id         INTEGER NOT NULL REFERENCES members (id),
    nudges_off        INTEGER NOT NULL DEFAULT 0,
    paused_until      INTEGER,                 -- NULL: not paused
    unreachable_since INTEGER,                 -- NULL: reachable as far as Hearth knows
    PRIMARY KEY (community_id, member_id)
) WITHOUT ROWID;
