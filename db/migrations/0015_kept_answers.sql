-- List answers kept ready: the costly list reads (the filtered claims list, figures, conflicts, the timeline,
-- deadlines and reconciled figures) answer with the JSON they last built for the same request, as long as the
-- database's change count (0010_conditional_reads.sql, the count their ETags are drawn from) is the one it was built
-- at (Infrastructure/KeptAnswers.cs, docs/performance.md "List answers kept ready").
--
-- The count is read before the answer is built, and every change bumps it in its own transaction, so an answer built
-- from data older than the latest change always carries an older count: it may be kept, but it is never served. The
-- count only grows, so a row whose count is behind is dead; the app deletes those from time to time. No write touches
-- this table: a write costs nothing here, and the next read of each request builds its answer again.
--
-- No count_change trigger: rows are written by reads, and what they hold is a function of the counted tables.
create table kept_answers (
    key          bytea primary key,  -- SHA-256 of what the answer is a function of besides the data: the build, the
                                     -- request's host, path and normalised query, and today's date where it matters
    changes      bigint not null,    -- the change count read before the answer was built
    content_type text not null,
    body         bytea not null      -- the answer as the endpoint sent it
);
