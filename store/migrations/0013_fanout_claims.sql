-- 0013: claims for the fan-out, so several Hearths on one database (or a
-- job run again) never DM anyone the same thing twice.
--
-- A nudge is claimed by moving it from 'queued' to 'sending' (ClaimNudge);
-- claimed_at is when, so a claim whose sender died can be taken over once
-- it is stale (members.NudgeClaimStale).
ALTER TABLE nudges ADD COLUMN claimed_at INTEGER;

-- One row per DM of a fan-out (an event's reminder, the attendance
-- question, a check-in's reminder, an intro's group DM): the row is the
-- claim, inserted before the DM goes out; whoever inserts it sends. job
-- names what goes out (e.g. "event-remind:42:1700000000000"), never any
-- text. Rows older than the events kept are pruned with them.
CREATE TABLE deliveries (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    job          TEXT    NOT NULL,
    member_id    INTEGER NOT NULL REFERENCES members (id),
    claimed_at   INTEGER NOT NULL,
    PRIMARY KEY (community_id, job, member_id)
) WITHOUT ROWID;
-- A forgotten member's claims go with them (ForgetMember).
CREATE INDEX deliveries_by_member ON deliveries (member_id);
