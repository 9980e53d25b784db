-- A job may be created to start later (POST /api/v1/jobs with start_at or start_after): the read
-- model keeps when, in unix seconds, 0 for a job that started at once (and for every job created
-- before delayed starts existed). The job waits PENDING until then.
ALTER TABLE igor_jobs ADD COLUMN IF NOT EXISTS start_at BIGINT NOT NULL DEFAULT 0;
