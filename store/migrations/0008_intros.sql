-- 0008: member intros (bot.IntroRound): who opted in, the rounds, their
-- groups and each member's answer to the follow-up.
--
-- As before, times are integer unix milliseconds (UTC) and NULL stands for
-- "no time"; platform ids are TEXT, community_id and member_id this
-- database's own ids. Intros are not activity: no event kind, no rollup.

-- A member who opted in with /hearth intros on (off deletes the row).
CREATE TABLE intro_optins (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    member_id    INTEGER NOT NULL REFERENCES members (id),
    since        INTEGER NOT NULL,
    PRIMARY KEY (community_id, member_id)
) WITHOUT ROWID;
-- ForgetMember, and the foreign key check when a member row is deleted.
CREATE INDEX intro_optins_by_member ON intro_optins (member_id);

-- One round. AUTOINCREMENT: a round's id is shown in chat and names its
-- follow-up schedule; it must never come to name another round.
CREATE TABLE intro_rounds (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id   INTEGER NOT NULL REFERENCES communities (id),
    seed           INTEGER NOT NULL, -- the pairing's seed (bot.PairIntros)
    made_at        INTEGER NOT NULL,
    created_by     TEXT    NOT NULL DEFAULT '', -- platform id; '' once forgotten
    followed_up_at INTEGER                      -- NULL: not yet
);
CREATE INDEX intro_rounds_by_time ON intro_rounds (community_id, made_at, id);

-- A pair or trio of a round. met_at is when one of its members first
-- answered "We met" (NULL: none has); it belongs to the group, so it stays
-- when that member is forgotten, like the day totals of channels.
CREATE TABLE intro_groups (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    round_id     INTEGER NOT NULL REFERENCES intro_rounds (id),
    community_id INTEGER NOT NULL REFERENCES communities (id),
    met_at       INTEGER
);
CREATE INDEX intro_groups_by_round ON intro_groups (round_id, id);
-- Groups that met in a period (IntroCounts).
CREATE INDEX intro_groups_by_met ON intro_groups (community_id, met_at) WHERE met_at IS NOT NULL;

-- A member of a group, and their answer to the follow-up. Forgetting a
-- member deletes their rows; the others' stay.
CREATE TABLE intro_members (
    group_id    INTEGER NOT NULL REFERENCES intro_groups (id),
    member_id   INTEGER NOT NULL REFERENCES members (id),
    position    INTEGER NOT NULL, -- order in the introduction
    answer      TEXT    NOT NULL DEFAULT '' CHECK (answer IN ('', 'met', 'not_yet')), -- bot.IntroAnswer
    answered_at INTEGER,
    PRIMARY KEY (group_id, member_id)
) WITHOUT ROWID;
CREATE INDEX intro_members_by_member ON intro_members (member_id);
