-- Flow-control limits set or removed through the API (PUT and DELETE /api/v1/limits/{kind}/{name}),
-- the durable record of them (docs/flow-control.md, docs/adr/0026-limits-in-postgresql.md). Redis
-- keeps the live copy its scripts read ({prefix}:limits); the nodes put it back in line from this
-- table (and the configuration) at start, after Redis lost its data, and every lease check.
-- One row per limit the API has touched: its last word, a limit or its removal.
--   kind, name:  the limit ('type', 'key' or 'fairness'; a task type, concurrency or fairness key)
--   concurrency, rate, per_millis, weight: as the API set them (0: none); 0 when removed
--   removed:     the API removed the limit: it stays removed although the configuration gives it
--   version:     from igor_flow_limit_version, higher for every change: Redis records the version
--                it holds per limit, so an older copy never overwrites a newer one
CREATE SEQUENCE IF NOT EXISTS igor_flow_limit_version;
CREATE TABLE IF NOT EXISTS igor_flow_limits (
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  concurrency INTEGER NOT NULL,
  rate INTEGER NOT NULL,
  per_millis BIGINT NOT NULL,
  weight INTEGER NOT NULL,
  removed BOOLEAN NOT NULL,
  version BIGINT NOT NULL,
  changed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, name)
);
