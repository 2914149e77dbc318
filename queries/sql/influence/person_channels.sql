-- Per person and channel: how many touchpoints its records had there, for the (record,
-- channel) pairs first touched up to a time (touches are stored per pair, not per event).
-- $params: $until — ISO time; pairs first touched later are left out
-- returns: personId, channelId, touches
SELECT r.dst AS personId, t.dst AS channelId, sum(t.count) AS touches
FROM resolves_to r JOIN touched t ON t.src = r.src
WHERE t.firstAt IS NULL OR t.firstAt <= :until
GROUP BY r.dst, t.dst
ORDER BY personId, channelId
