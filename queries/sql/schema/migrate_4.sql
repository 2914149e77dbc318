-- Upgrade an embedded store of schema version 4 to 5 (run before schema/create): touchpoints
-- become events (touch_event), back-filled from the TOUCHED aggregates: the first touch of
-- each (record, channel) at its firstAt, the others at its lastAt (their own times were
-- never kept); a tombstone names the person its record belonged to.
-- $params: none
-- returns: nothing
CREATE TABLE IF NOT EXISTS touch_event (src TEXT NOT NULL, channelId TEXT NOT NULL, at TEXT NOT NULL, event TEXT, count INTEGER NOT NULL);
INSERT INTO touch_event (src, channelId, at, event, count)
SELECT src, dst, firstAt, NULL, 1 FROM touched WHERE firstAt IS NOT NULL;
INSERT INTO touch_event (src, channelId, at, event, count)
SELECT src, dst, coalesce(lastAt, firstAt), NULL, count - 1 FROM touched
WHERE firstAt IS NOT NULL AND count > 1;
CREATE TABLE IF NOT EXISTS tombstone (uid TEXT PRIMARY KEY, erasedAt TEXT, by TEXT);
ALTER TABLE tombstone ADD COLUMN personId TEXT
