-- One run of a job by its id: what it computed and how (tests read a run's record by it).
-- $params: $runId
-- returns: job, runId, status, params (JSON text), counts (JSON text), startedAt, finishedAt
SELECT job, runId, status, params, counts, startedAt, finishedAt
FROM job_run
WHERE runId = :runId
