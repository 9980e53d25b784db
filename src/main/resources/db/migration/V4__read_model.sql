-- The read model: every job, layer and task as the API shows them, written by the projection of the
-- journal (igor.storage.jdbc.ReadModelProjection) and read by the list endpoints. Times are unix
-- seconds; revision is the object's revision in its job entity (etag = Identifiers.etag(id, revision)).
-- count_* hold the number of the object's tasks in each status.
CREATE TABLE IF NOT EXISTS igor_jobs (
  id UUID PRIMARY KEY,
  revision BIGINT NOT NULL,
  status VARCHAR(16) NOT NULL,
  name VARCHAR(255) NOT NULL,
  paused_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  count_pending INTEGER NOT NULL DEFAULT 0,
  count_queued INTEGER NOT NULL DEFAULT 0,
  count_running INTEGER NOT NULL DEFAULT 0,
  count_killed INTEGER NOT NULL DEFAULT 0,
  count_completed INTEGER NOT NULL DEFAULT 0,
  count_errored INTEGER NOT NULL DEFAULT 0,
  count_skipped INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS igor_jobs_created_idx ON igor_jobs (created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS igor_jobs_status_idx ON igor_jobs (status, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS igor_jobs_updated_idx ON igor_jobs (updated_at);
CREATE INDEX IF NOT EXISTS igor_jobs_name_idx ON igor_jobs (name);

CREATE TABLE IF NOT EXISTS igor_layers (
  id UUID PRIMARY KEY,
  job_id UUID NOT NULL,
  revision BIGINT NOT NULL,
  status VARCHAR(16) NOT NULL,
  name VARCHAR(255) NOT NULL,
  priority INTEGER NOT NULL,
  paused_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  count_pending INTEGER NOT NULL DEFAULT 0,
  count_queued INTEGER NOT NULL DEFAULT 0,
  count_running INTEGER NOT NULL DEFAULT 0,
  count_killed INTEGER NOT NULL DEFAULT 0,
  count_completed INTEGER NOT NULL DEFAULT 0,
  count_errored INTEGER NOT NULL DEFAULT 0,
  count_skipped INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS igor_layers_job_idx ON igor_layers (job_id);
CREATE INDEX IF NOT EXISTS igor_layers_created_idx ON igor_layers (created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS igor_layers_status_idx ON igor_layers (status, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS igor_layers_updated_idx ON igor_layers (updated_at);

CREATE TABLE IF NOT EXISTS igor_tasks (
  id UUID PRIMARY KEY,
  job_id UUID NOT NULL,
  layer_id UUID NOT NULL,
  revision BIGINT NOT NULL,
  status VARCHAR(16) NOT NULL,
  name VARCHAR(255) NOT NULL,
  type VARCHAR(255) NOT NULL,
  args BYTEA NOT NULL,
  paused_at BIGINT NOT NULL,
  retries INTEGER NOT NULL,
  timeout_seconds INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL,
  message TEXT NOT NULL,
  result BYTEA,
  queue_task_id VARCHAR(36) NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS igor_tasks_job_idx ON igor_tasks (job_id, status);
CREATE INDEX IF NOT EXISTS igor_tasks_layer_idx ON igor_tasks (layer_id, status);
CREATE INDEX IF NOT EXISTS igor_tasks_created_idx ON igor_tasks (created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS igor_tasks_status_idx ON igor_tasks (status, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS igor_tasks_updated_idx ON igor_tasks (updated_at);
CREATE INDEX IF NOT EXISTS igor_tasks_type_idx ON igor_tasks (type, created_at DESC, id DESC);

-- The offsets of pekko-projection-jdbc (its PostgreSQL dialect with lowercase names), made idempotent.
-- The projection stores its offset in the same transaction as the rows above: exactly once.
CREATE TABLE IF NOT EXISTS pekko_projection_offset_store (
  projection_name VARCHAR(255) NOT NULL,
  projection_key VARCHAR(255) NOT NULL,
  current_offset VARCHAR(255) NOT NULL,
  manifest VARCHAR(4) NOT NULL,
  mergeable BOOLEAN NOT NULL,
  last_updated BIGINT NOT NULL,
  PRIMARY KEY (projection_name, projection_key)
);
CREATE INDEX IF NOT EXISTS projection_name_index ON pekko_projection_offset_store (projection_name);

CREATE TABLE IF NOT EXISTS pekko_projection_management (
  projection_name VARCHAR(255) NOT NULL,
  projection_key VARCHAR(255) NOT NULL,
  paused BOOLEAN NOT NULL,
  last_updated BIGINT NOT NULL,
  PRIMARY KEY (projection_name, projection_key)
);
