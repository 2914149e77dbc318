-- The latest run of each job.
-- $params: none
-- returns: job, runId, status, seed, startedAt, finishedAt, counts (JSON text), timings (JSON text)
SELECT job, runId, status, seed, startedAt, finishedAt, counts, timings
FROM (
  SELECT *, row_number() OVER (PARTITION BY job ORDER BY startedAt DESC, runId DESC) AS rn
  FROM job_run
)
WHERE rn = 1
ORDER BY job
