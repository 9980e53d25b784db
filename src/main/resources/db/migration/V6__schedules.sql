-- Which schedules exist (docs/adr/0010-schedules.md): written directly by the node that creates
-- one, before its entity is asked, and removed once its entity journaled its deletion. The list of
-- schedules reads it, then asks each schedule's entity for its state (next and last fires), and an
-- id not found here is answered without starting an entity (remember-entities would journal it).
CREATE TABLE IF NOT EXISTS igor_schedules (
  schedule_id UUID PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
