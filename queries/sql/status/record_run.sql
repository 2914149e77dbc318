-- Record (or update) one run of a job: parameters, seed, counts, timings, outcome.
-- $params: $runId, $job, $params (JSON text), $seed, $counts (JSON text), $timings (JSON text),
--          $status ('running' | 'ok' | 'failed'), $startedAt, $finishedAt (ISO-8601 text)
-- returns: nothing
INSERT INTO job_run (runId, job, params, seed, counts, timings, status, startedAt, finishedAt)
VALUES (:runId, :job, :params, :seed, :counts, :timings, :status, :startedAt, :finishedAt)
ON CONFLICT (runId) DO UPDATE SET
  job = excluded.job, params = excluded.params, seed = excluded.seed, counts = excluded.counts,
  timings = excluded.timings, status = excluded.status, startedAt = excluded.startedAt,
  finishedAt = excluded.finishedAt
