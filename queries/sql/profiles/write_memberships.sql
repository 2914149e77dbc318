-- Link persons to their segment and tags (in_segment, has_tag) as their new profile says,
-- inside the write-back's transaction: only memberships that changed are removed or added.
-- Only for persons whose profile this run wrote (person_profile.run = $run): one skipped for
-- an erasure, or erased while the job ran, keeps its old profile and labels or has none.
-- $params: $rows — each {personId, segment (name or null), tags (JSON list of names)};
--          $run — the run writing them
-- returns: nothing
DELETE FROM in_segment WHERE src = :personId AND dst IS NOT :segment
  AND EXISTS (SELECT 1 FROM person_profile WHERE personId = :personId AND run = :run);
INSERT INTO in_segment (src, dst) SELECT :personId, :segment
WHERE :segment IS NOT NULL
  AND EXISTS (SELECT 1 FROM person_profile WHERE personId = :personId AND run = :run)
ON CONFLICT (src) DO UPDATE SET dst = excluded.dst;
DELETE FROM has_tag WHERE src = :personId AND dst NOT IN (SELECT value FROM json_each(:tags))
  AND EXISTS (SELECT 1 FROM person_profile WHERE personId = :personId AND run = :run);
INSERT OR IGNORE INTO has_tag (src, dst) SELECT :personId, value FROM json_each(:tags)
WHERE EXISTS (SELECT 1 FROM person_profile WHERE personId = :personId AND run = :run)
