-- TOUCHED summed again from every touchpoint event, in one set-based statement (the
-- journeys bench measures loading events only and deriving the aggregate once, against
-- maintaining it per batch as loads do).
-- $params: none
-- returns: nothing
INSERT INTO touched (src, dst, count, firstAt, lastAt)
SELECT src, channelId, sum(count), min(at), max(at) FROM touch_event WHERE true
GROUP BY src, channelId
ON CONFLICT (src, dst) DO UPDATE SET
  count = excluded.count, firstAt = excluded.firstAt, lastAt = excluded.lastAt
