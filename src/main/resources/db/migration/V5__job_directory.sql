-- Which jobs exist. A request or a worker's report that names a job by its id is checked here
-- before the job's entity is asked: asking a sharded entity starts it, and its shard journals that
-- it started (remember-entities), so an id that names no job must be answered without asking.
-- Written before the job is created (like the layer and task directories), so a job that was
-- answered as created is always found here.
CREATE TABLE IF NOT EXISTS igor_job_directory (
  job_id UUID PRIMARY KEY
);
-- The jobs created before this table: each has events in the journal, the first with number 1.
INSERT INTO igor_job_directory (job_id)
SELECT substr(persistence_id, 5)::uuid FROM event_journal
WHERE sequence_number = 1
  AND persistence_id ~ '^Job\|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
ON CONFLICT (job_id) DO NOTHING;
