-- 0013: claims for the fan-out (see ../0013_fanout_claims.sql).
ALTER TABLE nudges ADD COLUMN claimed_at BIGINT;

CREATE TABLE deliveries (
    community_id BIGINT NOT NULL REFERENCES communities (id),
    job          TEXT   NOT NULL,
    member_id    BIGINT NOT NULL REFERENCES members (id),
    claimed_at   BIGINT NOT NULL,
    PRIMARY KEY (community_id, job, member_id)
);
CREATE INDEX deliveries_by_member ON deliveries (member_id);
