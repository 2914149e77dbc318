-- Add a batch of touchpoint events, pre-aggregated per (record, channel), to TOUCHED.
-- (How custgraph loaded touchpoints before events; the journeys bench measures it, and a test
-- uses it to knock a pair off TOUCHED.)
-- Additive: run exactly once per batch (the loader commits it with the batch's manifest entry).
-- $params: $rows — each {uid, channelId, count, firstAt, lastAt}
-- returns: nothing
INSERT INTO touched (src, dst, count, firstAt, lastAt)
VALUES (:uid, :channelId, :count, :firstAt, :lastAt)
ON CONFLICT (src, dst) DO UPDATE SET
  count = count + excluded.count,
  firstAt = min(firstAt, excluded.firstAt),
  lastAt = max(lastAt, excluded.lastAt)
