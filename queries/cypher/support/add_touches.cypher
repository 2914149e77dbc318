// Add a batch of touchpoint events, pre-aggregated per (record, channel), to TOUCHED.
// (How custgraph loaded touchpoints before events; the journeys bench measures it, and a test
// uses it to knock a pair off TOUCHED.)
// Additive: run exactly once per batch (the loader commits it with the batch's manifest entry).
// $params: $rows — each {uid, channelId, count, firstAt, lastAt}
// returns: nothing
UNWIND $rows AS row
MATCH (c:Customer {uid: row.uid})
MATCH (ch:Channel {channelId: row.channelId})
MERGE (c)-[t:TOUCHED]->(ch)
ON CREATE SET t.count = 0
SET t.count = t.count + row.count,
    t.firstAt = CASE WHEN t.firstAt IS NULL OR datetime(row.firstAt) < t.firstAt
                     THEN datetime(row.firstAt) ELSE t.firstAt END,
    t.lastAt = CASE WHEN t.lastAt IS NULL OR datetime(row.lastAt) > t.lastAt
                    THEN datetime(row.lastAt) ELSE t.lastAt END
