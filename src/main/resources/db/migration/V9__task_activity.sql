-- The dashboard's figures (GET /api/v1/dashboard, igor_queue_oldest_age_seconds), kept by the
-- projection of the read model (igor.storage.jdbc.ReadModelWriter) in the transactions of its rows.
--
-- igor_task_activity: per 10-second bucket (unix seconds, a multiple of 10), task type and slice
-- of the projection (its tag: each projection writes only its own rows, so the four never wait on
-- each other's locks), how many attempts started, ended with an outcome (completed, failed, timed
-- out, skipped by the handler; not killed) and failed (failed or timed out). Rows older than igor.dashboard.history (plus a margin)
-- are deleted by the projection as it goes.
CREATE TABLE IF NOT EXISTS igor_task_activity (
  bucket BIGINT NOT NULL,
  type VARCHAR(255) NOT NULL,
  slice VARCHAR(64) NOT NULL,
  started INTEGER NOT NULL DEFAULT 0,
  ended INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (bucket, type, slice)
);

-- When a task's current attempt was queued (unix seconds; 0 for tasks not queued since this
-- migration, except those queued now, which get their last change's time). Adding a column with a
-- constant default rewrites no row.
ALTER TABLE igor_tasks ADD COLUMN IF NOT EXISTS queued_at BIGINT NOT NULL DEFAULT 0;
UPDATE igor_tasks SET queued_at = updated_at WHERE status = 'QUEUED' AND queued_at = 0;

-- The tasks waiting, per type, oldest first: the oldest waiting age of a type is the first entry
-- of its range, however many tasks wait or ended before.
CREATE INDEX IF NOT EXISTS igor_tasks_queued_idx ON igor_tasks (type, queued_at)
  WHERE status = 'QUEUED';

-- How many tasks are QUEUED, per type: the sum over slices of the changes each slice of the
-- projection made (a count(*) over a million waiting tasks took half a second), and the count
-- at this migration under slice 'V9'.
CREATE TABLE IF NOT EXISTS igor_queued_tasks (
  type VARCHAR(255) NOT NULL,
  slice VARCHAR(64) NOT NULL,
  queued BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (type, slice)
);
INSERT INTO igor_queued_tasks (type, slice, queued)
  SELECT type, 'V9', count(*) FROM igor_tasks WHERE status = 'QUEUED' GROUP BY type
  ON CONFLICT (type, slice) DO NOTHING;
