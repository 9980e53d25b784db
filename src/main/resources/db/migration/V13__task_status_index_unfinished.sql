-- The tasks' status index keeps no COMPLETED task (docs/adr/0022-task-status-index.md).
--
-- igor_tasks_status_idx (status, created_at, id) got an entry for every version of every task's
-- row: its key changes with each status, so no entry is ever shared or replaced, and COMPLETED, the
-- status nearly every task ends in, held most of it for good. A list of COMPLETED tasks needs no
-- such index: it walks igor_tasks_created_idx, newest first, and most tasks it meets are
-- COMPLETED. The rarer statuses (waiting, running, failed, skipped, killed) keep theirs, and so
-- does the dashboard's count of RUNNING tasks. JdbcReadModel writes a list's statuses into its SQL
-- as literals, so that any plan of a filter without COMPLETED (generic ones included) can use it.
--
-- On upgrade the new index is built from the rows that are not COMPLETED (few in a long-lived
-- installation) while writes to igor_tasks wait; the old one is dropped at once.
CREATE INDEX IF NOT EXISTS igor_tasks_unfinished_idx ON igor_tasks (status, created_at DESC, id DESC)
  WHERE status <> 'COMPLETED';
DROP INDEX IF EXISTS igor_tasks_status_idx;
