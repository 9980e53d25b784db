-- The index of the tasks not COMPLETED drops the id from its key (docs/adr/0023-narrow-status-index.md).
--
-- igor_tasks_unfinished_idx (V13) had the key (status, created_at, id): unique, about 48 bytes per
-- entry, and one entry for each version of a task's row while it waits or runs (a QUEUED and often
-- a RUNNING version per task, which stay until vacuum). Keyed by (status, created_at), the tasks
-- created in the same second (a job's tasks are created together) share a key, and PostgreSQL
-- deduplicates their entries into posting lists of 6 bytes per row version. A list of some statuses
-- without a job or layer still walks it newest first; an incremental sort orders the tasks of one
-- second by id (the whole second's tasks of that status are read when a page ends inside it). The
-- dashboard's count of RUNNING tasks reads it as before. JdbcReadModel writes a list's statuses as
-- literals, so every plan may use it.
--
-- On upgrade the new index is built from the rows that are not COMPLETED while writes to
-- igor_tasks wait; the old one is dropped at once.
CREATE INDEX IF NOT EXISTS igor_tasks_unfinished_status_idx ON igor_tasks (status, created_at DESC)
  WHERE status <> 'COMPLETED';
DROP INDEX IF EXISTS igor_tasks_unfinished_idx;
