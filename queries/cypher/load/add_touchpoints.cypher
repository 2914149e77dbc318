// Add a batch of touchpoint rows: each row becomes a Touchpoint node of its record,
// (Customer)-[:MADE]->(:Touchpoint)-[:ON]->(:Channel), and the batch is summed per (record,
// channel) into TOUCHED {count, firstAt, lastAt}.
// Additive: run exactly once per batch (the loader commits it with the batch's manifest entry).
// $params: $rows — each {uid, channelId, firstAt, lastAt, count, event}
// returns: nothing
UNWIND $rows AS row
MATCH (c:Customer {uid: row.uid})
MATCH (ch:Channel {channelId: row.channelId})
CREATE (c)-[:MADE]->(:Touchpoint {at: datetime(row.firstAt), channelId: row.channelId,
                                  event: row.event, count: row.count})-[:ON]->(ch)
WITH c, ch, sum(row.count) AS n, min(datetime(row.firstAt)) AS first,
     max(datetime(row.lastAt)) AS last
MERGE (c)-[t:TOUCHED]->(ch)
ON CREATE SET t.count = 0
SET t.count = t.count + n,
    t.firstAt = CASE WHEN t.firstAt IS NULL OR first < t.firstAt THEN first ELSE t.firstAt END,
    t.lastAt = CASE WHEN t.lastAt IS NULL OR last > t.lastAt THEN last ELSE t.lastAt END
