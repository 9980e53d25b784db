-- Idempotency keys of POST /api/v1/jobs and POST /api/v1/tasks (header Idempotency-Key) and of
-- jobs created inside the cluster from a derived key (docs/semantics.md, "Idempotent submits").
-- A row is written before the job (or the tasks) is asked for, like the object directories: it
-- holds the seed from which every id of the request is derived, so a retry after a crash or a
-- time-out mid-create asks again for the same ids instead of making new ones.
--   scope:       whose key it is: the route and the caller's subject (keys of callers never meet)
--   idem_key:    the key as sent (visible ASCII, length bounded by igor.idempotency.max-key-length)
--   fingerprint: SHA-256 (hex) of the normalised request; the same key with another one is a 409
--   id_seed:     the job's id for a create; the seed of the added tasks' ids for an add
--   done:        the job (or the tasks) was answered as created once
--   expires_at:  the end of igor.idempotency.window; later the key is free again, and removed
CREATE TABLE IF NOT EXISTS igor_idempotency_key (
  scope TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  id_seed UUID NOT NULL,
  done BOOLEAN NOT NULL DEFAULT FALSE,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (scope, idem_key)
);
CREATE INDEX IF NOT EXISTS igor_idempotency_key_expires_idx ON igor_idempotency_key (expires_at);
