-- One person's touchpoint events up to a time, in time order (the journey look-up).
-- $params: $personId, $until — ISO time
-- returns: uid, channelId, at, event, count
SELECT e.src AS uid, e.channelId AS channelId, e.at AS at, e.event AS event, e.count AS count
FROM resolves_to r
JOIN touch_event e ON e.src = r.src
WHERE r.dst = :personId AND e.at <= :until
ORDER BY e.at, e.src, e.channelId
