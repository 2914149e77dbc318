// The runs of a job still recorded as running (a live one, or one whose process died).
// $params: $job
// returns: runId, counts (JSON text: its owner's host and pid)
MATCH (r:JobRun {job: $job, status: 'running'})
RETURN r.runId AS runId, r.counts AS counts
