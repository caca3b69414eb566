-- PostgreSQL twin of ../0009_member_weeks.sql: the same tables, columns and indexes in
-- PostgreSQL's types (BIGINT for INTEGER, BYTEA for BLOB). Identity columns,
-- like SQLite's AUTOINCREMENT, never give a removed row's id again.

-- 0009: member weeks, so that levels (MemberWeeks) read a row per member
-- and week instead of seven member_days rows.
--
-- MemberWeeks's weeks end at any time, not on a fixed weekday, so a row is
-- the seven days from start_day (unix ms / 86400000) on: every member day
-- is in the seven rows starting on it and on the six days before it. The
-- figures are those of bot.WeekCounts: answers adds up check-in answers,
-- "I'm still here" answers, resource shares, RSVPs and attendances. Kept by
-- Record with member_days in the same transaction; rows that drop to zero
-- are deleted; forgetting a member deletes theirs; pruning events keeps
-- them, as it keeps the day rollups.
CREATE TABLE member_weeks (
    community_id BIGINT NOT NULL,
    start_day    BIGINT NOT NULL,
    member_id    BIGINT NOT NULL,
    messages     BIGINT NOT NULL DEFAULT 0,
    replies      BIGINT NOT NULL DEFAULT 0,
    reactions    BIGINT NOT NULL DEFAULT 0,
    answers      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, start_day, member_id)
);
-- No index by member: every insert would pay for it. Forgetting a member
-- finds their rows from their member_days.

-- The weeks of the days recorded so far.
INSERT INTO member_weeks (community_id, start_day, member_id, messages, replies, reactions, answers)
SELECT d.community_id, d.day - o.column1, d.member_id, SUM(d.messages), SUM(d.replies), SUM(d.reactions),
    SUM(d.checkin_answers + d.still_here + d.resource_shares + d.rsvps + d.attendances)
FROM member_days d CROSS JOIN (VALUES (0), (1), (2), (3), (4), (5), (6)) AS o
GROUP BY 1, 2, 3
HAVING SUM(d.messages) + SUM(d.replies) + SUM(d.reactions) +
    SUM(d.checkin_answers + d.still_here + d.resource_shares + d.rsvps + d.attendances) <> 0;
