// One run of a job by its id: what it computed and how (tests read a run's record by it).
// $params: $runId
// returns: job, runId, status, params (JSON text), counts (JSON text), startedAt, finishedAt
MATCH (r:JobRun {runId: $runId})
RETURN r.job AS job, r.runId AS runId, r.status AS status, r.params AS params,
       r.counts AS counts, r.startedAt AS startedAt, r.finishedAt AS finishedAt
