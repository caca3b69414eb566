-- 0007 is reserved for the events work, on another branch. This
-- placeholder only keeps the versions without a gap until the merge, which
-- deletes it (a database that ran it must be recreated: it records 0007 as
-- applied). It changes nothing.
SELECT 1;
