-- TOUCHED summed again from every touchpoint event, in one set-based statement (a test
-- checks that the aggregate loads maintain per batch is exactly this).
-- $params: none
-- returns: nothing
INSERT INTO touched (src, dst, count, firstAt, lastAt)
SELECT src, channelId, sum(count), min(at), max(at) FROM touch_event WHERE true
GROUP BY src, channelId
ON CONFLICT (src, dst) DO UPDATE SET
  count = excluded.count, firstAt = excluded.firstAt, lastAt = excluded.lastAt
