-- PostgreSQL twin of ../0010_channel_days_by_day.sql: the same tables, columns and indexes in
-- PostgreSQL's types (BIGINT for INTEGER, BYTEA for BLOB). Identity columns,
-- like SQLite's AUTOINCREMENT, never give a removed row's id again.

-- 0010: a channel's member days indexed by day, then member (was: by
-- member, then day).
--
-- Recording adds to the member channel days of the days it records, for
-- members all over the id range: indexed by channel then member, each
-- transaction wrote back a page of the index for nearly every member it
-- touched, more pages as the history grew (BenchmarkRecordGrowing). By
-- channel then day, a day's rows sit together at the index's end. A
-- channel's report reads the channel's days in its period and sums them
-- by member.
DROP INDEX member_channel_days_by_channel;
CREATE INDEX member_channel_days_by_day ON member_channel_days (community_id, channel_id, day, member_id);
