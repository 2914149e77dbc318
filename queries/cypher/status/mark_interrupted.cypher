// Mark a run whose process is gone (killed, crashed) as interrupted, so no run stays
// "running" for ever; its results were never all written, and the next run writes them.
// $params: $runId, $finishedAt
// returns: nothing
MATCH (r:JobRun {runId: $runId, status: 'running'})
SET r.status = 'interrupted', r.finishedAt = $finishedAt
