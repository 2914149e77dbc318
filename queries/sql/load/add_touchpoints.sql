-- Add a batch of touchpoint rows: each row becomes an event of its record (touch_event), and
-- the batch's events are summed per (record, channel) into TOUCHED (count, first and last).
-- Additive: run exactly once per batch (the loader commits it with the batch's manifest entry).
-- mode: staged — the first statement runs once per row, the second once, after it: the
-- batch's events are the last $n rows of touch_event (a row's rowid is one more than the
-- largest before it, so a batch appended in one transaction holds the top $n rowids)
-- $params: $rows — each {uid, channelId, firstAt, lastAt, count, event}; $n — how many rows
-- returns: nothing
INSERT INTO touch_event (src, channelId, at, event, count)
VALUES (:uid, :channelId, :firstAt, :event, :count);
INSERT INTO touched (src, dst, count, firstAt, lastAt)
SELECT src, channelId, sum(count), min(at), max(at) FROM touch_event NOT INDEXED
WHERE rowid > (SELECT max(rowid) FROM touch_event) - :n
GROUP BY src, channelId
ON CONFLICT (src, dst) DO UPDATE SET
  count = count + excluded.count,
  firstAt = min(firstAt, excluded.firstAt),
  lastAt = max(lastAt, excluded.lastAt)
