-- 0010: a placeholder so this branch's migrations run without a gap. The
-- number belongs to another branch; when that branch is merged, delete
-- this file (it changes nothing).
SELECT 1;
