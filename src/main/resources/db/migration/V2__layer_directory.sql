-- Which job each layer belongs to: POST /api/v1/tasks names only layers, and must reach the job
-- that owns them. Written before the job is created, so it is never behind the job.
CREATE TABLE IF NOT EXISTS igor_layer_directory (
  layer_id UUID PRIMARY KEY,
  job_id UUID NOT NULL
);
CREATE INDEX IF NOT EXISTS igor_layer_directory_job_idx ON igor_layer_directory (job_id);
