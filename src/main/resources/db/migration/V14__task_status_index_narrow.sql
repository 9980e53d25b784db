-- The index of the tasks not COMPLETED keeps only their status (docs/adr/0023-narrow-status-index.md).
--
-- igor_tasks_unfinished_idx (V13) had the key (status, created_at, id): about 48 bytes per entry,
-- one entry for each version of a task's row while it waits or runs (a QUEUED and often a RUNNING
-- version per task, which stay until vacuum). Keyed by status alone, the entries of one status are
-- deduplicated into posting lists of 6 bytes per row version. A list of some statuses without a
-- job or layer reads that status's rows through it and sorts them (a top-N sort of the page), or,
-- where the status is common among the newest tasks (QUEUED behind a backlog), walks
-- igor_tasks_created_idx newest first as before; the dashboard's count of RUNNING tasks reads it
-- as before. JdbcReadModel writes a list's statuses as literals, so every plan may use it.
--
-- On upgrade the new index is built from the rows that are not COMPLETED while writes to
-- igor_tasks wait; the old one is dropped at once.
CREATE INDEX IF NOT EXISTS igor_tasks_unfinished_status_idx ON igor_tasks (status)
  WHERE status <> 'COMPLETED';
DROP INDEX IF EXISTS igor_tasks_unfinished_idx;
