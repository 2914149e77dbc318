// Append a batch of touchpoint events, one per input row, as Touchpoint nodes of the record
// (Customer)-[:MADE]->(:Touchpoint)-[:ON]->(:Channel).
// Additive: run exactly once per batch (the loader commits it with the batch's manifest entry).
// $params: $rows — each {uid, channelId, at, event, count}
// returns: nothing
UNWIND $rows AS row
MATCH (c:Customer {uid: row.uid})
MATCH (ch:Channel {channelId: row.channelId})
CREATE (c)-[:MADE]->(:Touchpoint {at: datetime(row.at), channelId: row.channelId,
                                  event: row.event, count: row.count})-[:ON]->(ch)
