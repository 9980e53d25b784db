-- Which job each task belongs to: the actions of API v1 name tasks (and layers) by id only, and
-- must reach the job that owns them. Written before the tasks join their job.
CREATE TABLE IF NOT EXISTS igor_task_directory (
  task_id UUID PRIMARY KEY,
  job_id UUID NOT NULL
);
CREATE INDEX IF NOT EXISTS igor_task_directory_job_idx ON igor_task_directory (job_id);
