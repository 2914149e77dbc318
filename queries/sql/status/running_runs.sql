-- The runs of a job still recorded as running (a live one, or one whose process died).
-- $params: $job
-- returns: runId, counts (JSON text: its owner's host and pid)
SELECT runId, counts FROM job_run WHERE job = :job AND status = 'running'
