-- 0014 is another helper's migration (issue 18's branches were cut before
-- it landed); this placeholder only keeps the versions contiguous on the
-- histcore branch. Delete it (and its PostgreSQL twin) when the real 0014
-- is merged.
SELECT 1;
