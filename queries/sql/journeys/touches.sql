-- Every touchpoint event up to a time, by record, in no particular order (the journeys job
-- maps records to persons with journeys/records and sorts).
-- $params: $until — ISO time; later events are left out
-- returns: uid, channelId, atSeconds (the time, in whole seconds since 1970 UTC), count
-- Plan: one pass over the events in file order and no join: fetching the person of each of
-- 10M events through resolves_to cost 50 s at a million persons; mapping them after, 2 s.
SELECT e.src AS uid, e.channelId AS channelId, unixepoch(e.at) AS atSeconds, e.count AS count
FROM touch_event e
WHERE +e.at <= :until
