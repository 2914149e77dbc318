-- One recorded job run: its parameters, seed and times.
-- $params: $runId
-- returns: runId, job, params (JSON text), seed, startedAt, finishedAt
SELECT runId, job, params, seed, startedAt, finishedAt FROM job_run WHERE runId = :runId
