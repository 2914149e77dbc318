-- Mark a run whose process is gone (killed, crashed) as interrupted, so no run stays
-- "running" for ever; its results were never all written, and the next run writes them.
-- $params: $runId, $finishedAt
-- returns: nothing
UPDATE job_run SET status = 'interrupted', finishedAt = :finishedAt
WHERE runId = :runId AND status = 'running'
