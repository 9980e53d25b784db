-- Log lines and progress of attempts (docs/adr/0014-task-output.md), written by the nodes that read
-- the Redis stream P:logs, never by the job's journal: a worker's chatter must not slow its job.
-- Both tables are removed with their job by retention (igor.storage.jdbc.JdbcRetention).
--
-- igor_task_output: one row per attempt that sent anything: its latest progress (NULL until one
-- came), how many lines it sent (lines; each line's seq is its number in that count, from 1), and
-- so how many were dropped to keep igor.task-output.lines-per-attempt.
CREATE TABLE IF NOT EXISTS igor_task_output (
  task_id UUID NOT NULL,
  attempt INTEGER NOT NULL,
  job_id UUID NOT NULL,
  progress DOUBLE PRECISION,
  progress_at BIGINT,
  lines BIGINT NOT NULL DEFAULT 0,
  worker VARCHAR(255) NOT NULL DEFAULT '',
  PRIMARY KEY (task_id, attempt)
);
CREATE INDEX IF NOT EXISTS igor_task_output_job_idx ON igor_task_output (job_id);

-- igor_task_logs: the lines kept, at most lines-per-attempt per attempt (the newest).
-- at: unix milliseconds as the worker saw it; level: debug, info, warn or error.
CREATE TABLE IF NOT EXISTS igor_task_logs (
  task_id UUID NOT NULL,
  attempt INTEGER NOT NULL,
  seq BIGINT NOT NULL,
  job_id UUID NOT NULL,
  at BIGINT NOT NULL,
  level VARCHAR(8) NOT NULL,
  line TEXT NOT NULL,
  PRIMARY KEY (task_id, attempt, seq)
);
CREATE INDEX IF NOT EXISTS igor_task_logs_job_idx ON igor_task_logs (job_id);
