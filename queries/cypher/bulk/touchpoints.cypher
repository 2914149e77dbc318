// Touchpoint events for neo4j-admin import files, one page in the order they were loaded
// (loaders/bulk.py): each becomes a Touchpoint node with MADE from its record and ON to its
// channel.
// $params: $after — the last seq of the page before (-1 for the first); $limit — page size
// returns: seq (a number unique per event, its import id), uid, channelId, at, event, count
MATCH (c:Customer)-[:MADE]->(t:Touchpoint) WHERE id(t) > $after
RETURN id(t) AS seq, c.uid AS uid, t.channelId AS channelId, t.at AS at, t.event AS event,
       t.count AS count
ORDER BY seq LIMIT $limit
