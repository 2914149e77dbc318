// The latest run of each job.
// $params: none
// returns: job, runId, status, seed, startedAt, finishedAt, counts (JSON text), timings (JSON text)
MATCH (r:JobRun)
WITH r ORDER BY r.startedAt DESC, r.runId DESC
WITH r.job AS job, collect(r)[0] AS r
RETURN job, r.runId AS runId, r.status AS status, r.seed AS seed, r.startedAt AS startedAt,
       r.finishedAt AS finishedAt, r.counts AS counts, r.timings AS timings
ORDER BY job
