-- Per person and channel: how many touchpoints its records had there.
-- $params: none
-- returns: personId, channelId, touches
SELECT r.dst AS personId, t.dst AS channelId, sum(t.count) AS touches
FROM resolves_to r JOIN touched t ON t.src = r.src
GROUP BY r.dst, t.dst
ORDER BY personId, channelId
