-- Put each person in its community, with its participation coefficient; never a person
-- that no longer exists (erased while the job ran).
-- $params: $rows — each {personId, communityId, participation}
-- returns: nothing
INSERT INTO in_community (src, dst, participation)
SELECT :personId, :communityId, :participation
WHERE EXISTS (SELECT 1 FROM person WHERE personId = :personId)
ON CONFLICT (src) DO UPDATE SET dst = excluded.dst, participation = excluded.participation
