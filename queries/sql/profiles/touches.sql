-- Touchpoints per person and channel, with the channel's kind and the first contact, for
-- the (record, channel) pairs first touched up to a time.
-- $params: $until — ISO time; pairs first touched later are left out
-- returns: personId, channelId, kind, touches, firstAt
-- (grouped by person and channel only: a channel has one kind, and one sort serves the
-- grouping and the order)
SELECT r.dst AS personId, t.dst AS channelId, ch.kind AS kind, sum(t.count) AS touches,
       min(t.firstAt) AS firstAt
FROM resolves_to r
JOIN touched t ON t.src = r.src
JOIN channel ch ON ch.channelId = t.dst
WHERE t.firstAt IS NULL OR t.firstAt <= :until
GROUP BY r.dst, t.dst
ORDER BY personId, channelId
