-- 0012 belongs to the shards branch (leases). This empty stand-in only keeps
-- the versions without a gap on the fanout branch: on merge, take the
-- shards branch's file.
SELECT 1;
