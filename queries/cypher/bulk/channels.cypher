// Channels for neo4j-admin import files, one page in key order (loaders/bulk.py).
// $params: $after — the last channelId of the page before ('' for the first); $limit — page size
// returns: channelId, kind, name
MATCH (ch:Channel) WHERE ch.channelId > $after
RETURN ch.channelId AS channelId, ch.kind AS kind, ch.name AS name ORDER BY channelId LIMIT $limit
