// Record (or update) one run of a job: parameters, seed, counts, timings, outcome.
// $params: $runId, $job, $params (JSON text), $seed, $counts (JSON text), $timings (JSON text),
//          $status ('running' | 'ok' | 'failed'), $startedAt, $finishedAt (ISO-8601 text)
// returns: nothing
MERGE (r:JobRun {runId: $runId})
SET r.job = $job, r.params = $params, r.seed = $seed, r.counts = $counts,
    r.timings = $timings, r.status = $status, r.startedAt = $startedAt, r.finishedAt = $finishedAt
