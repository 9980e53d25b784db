-- Room on each page of the read model's tables for the next versions of its rows
-- (docs/adr/0020-read-model-footprint.md). A task's row is written up to three times (queued,
-- started, finished), a job's or a layer's row once per projection group that moves its tasks'
-- counts. PostgreSQL puts a row's new version on the same page when it fits, and prunes that page's
-- dead versions when the page fills, without waiting for vacuum. An update that changes no indexed
-- column (the counts of igor_jobs and igor_layers) is then HOT and adds no index entry at all.
--
-- ALTER TABLE ... SET (fillfactor) rewrites nothing and holds its lock for a moment, whatever the
-- table's size: pages written from now on keep the room; existing pages keep what they have until
-- VACUUM FULL or CLUSTER.
ALTER TABLE igor_tasks SET (fillfactor = 70);
ALTER TABLE igor_layers SET (fillfactor = 50);
ALTER TABLE igor_jobs SET (fillfactor = 50);
