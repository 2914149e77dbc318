// One recorded job run: its parameters, seed and times.
// $params: $runId
// returns: runId, job, params (JSON text), seed, startedAt, finishedAt
MATCH (r:JobRun {runId: $runId})
RETURN r.runId AS runId, r.job AS job, r.params AS params, r.seed AS seed,
       r.startedAt AS startedAt, r.finishedAt AS finishedAt
