-- Append a batch of touchpoint events, one per input row, to the record's events.
-- Additive: run exactly once per batch (the loader commits it with the batch's manifest entry).
-- $params: $rows — each {uid, channelId, at, event, count}
-- returns: nothing
INSERT INTO touch_event (src, channelId, at, event, count)
VALUES (:uid, :channelId, :at, :event, :count)
