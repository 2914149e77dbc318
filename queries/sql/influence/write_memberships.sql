-- Put each person in its community, with its participation coefficient.
-- $params: $rows — each {personId, communityId, participation}
-- returns: nothing
INSERT INTO in_community (src, dst, participation) VALUES (:personId, :communityId, :participation)
ON CONFLICT (src) DO UPDATE SET dst = excluded.dst, participation = excluded.participation
