-- Touchpoint events for neo4j-admin import files, one page in the order they were loaded
-- (loaders/bulk.py): each becomes a Touchpoint node with MADE from its record and ON to its
-- channel.
-- $params: $after — the last seq of the page before (-1 for the first); $limit — page size
-- returns: seq (a number unique per event, its import id), uid, channelId, at, event, count
SELECT rowid AS seq, src AS uid, channelId, at, event, count FROM touch_event
WHERE rowid > :after ORDER BY rowid LIMIT :limit
