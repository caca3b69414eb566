-- 0004: check-in runs (one sending of a survey), who each went to, and the
-- answers.
--
-- As before, times are integer unix milliseconds (UTC) and NULL stands for
-- "no time"; platform ids are TEXT, community_id and member_id this
-- database's own ids.

-- id is the run's public number (#1, #2...), database-wide. AUTOINCREMENT,
-- as for schedules: a number someone saw in a result must never come to
-- name another run.
CREATE TABLE checkin_runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    survey       TEXT    NOT NULL,             -- the survey's name, to list its runs
    -- The survey (bot.Survey) as JSON, as it was when the run started, so
    -- editing the survey never garbles past results. Read whole, never queried.
    definition   TEXT    NOT NULL,
    delivery     TEXT    NOT NULL DEFAULT '',
    channel      TEXT    NOT NULL DEFAULT '',  -- platform channel id; '' for DM runs
    post         TEXT    NOT NULL DEFAULT '',  -- platform id of the channel post; '' otherwise
    anonymous    INTEGER NOT NULL DEFAULT 0,
    -- Keys the respondent tokens of an anonymous run while it is open;
    -- closing the run sets it to NULL, so no answer can be tied to a member
    -- again.
    salt         BLOB,
    started_by   TEXT    NOT NULL DEFAULT '',  -- platform member id; '' when a schedule did
    schedule_id  INTEGER,                      -- NULL: a command. No reference: removing a
                                               -- schedule keeps its past runs
    opened_at    INTEGER NOT NULL,
    closes_at    INTEGER NOT NULL,
    reminded_at  INTEGER,                      -- the one reminder; NULL: not sent
    closed_at    INTEGER                       -- NULL while open
);
-- A community's runs of one survey, newest first (CheckinRuns).
CREATE INDEX checkin_runs_by_survey ON checkin_runs (community_id, survey, opened_at, id);
-- A community's open runs, newest first (CheckinRuns with Open). Its other
-- runs, without a survey, read checkin_runs_by_survey and sort: a community
-- has a few runs a week.
CREATE INDEX checkin_runs_open ON checkin_runs (community_id, opened_at, id) WHERE closed_at IS NULL;

-- Whom a run went to and how that went. Recipients are members of the run's
-- community; a member row is created for one not seen yet.
CREATE TABLE checkin_recipients (
    run_id    INTEGER NOT NULL REFERENCES checkin_runs (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id),
    seq       INTEGER NOT NULL,                  -- the order they were added, from 1
    status    TEXT    NOT NULL DEFAULT 'pending', -- bot.RecipientStatus
    sent_at   INTEGER,
    -- the id of the free-text question the member was asked to answer by
    -- DM ('' : none)
    awaiting  TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, member_id)
) WITHOUT ROWID;
-- A member's runs (OpenRunsFor).
CREATE INDEX checkin_recipients_by_member ON checkin_recipients (member_id, run_id);

-- Answers, keyed by respondent: the member's platform id in an attributed
-- run, an opaque token (derived from the run's salt) in an anonymous one.
--
-- Deliberately no timestamps: the checkin_answer events say who answered
-- when, so an answer's time would tie an anonymous run's answers back to
-- the member. For the same reason the table has no rowid: rows are ordered
-- by the token, not by when they were written.
CREATE TABLE checkin_answers (
    run_id     INTEGER NOT NULL REFERENCES checkin_runs (id) ON DELETE CASCADE,
    respondent TEXT    NOT NULL,
    question   TEXT    NOT NULL,                 -- bot.Question.ID
    value      TEXT    NOT NULL,
    PRIMARY KEY (run_id, respondent, question)
) WITHOUT ROWID;
