-- Channels for neo4j-admin import files, one page in key order (loaders/bulk.py).
-- $params: $after — the last channelId of the page before ('' for the first); $limit — page size
-- returns: channelId, kind, name
SELECT channelId, kind, name FROM channel WHERE channelId > :after ORDER BY channelId LIMIT :limit
