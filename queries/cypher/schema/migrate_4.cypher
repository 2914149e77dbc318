// Schema upgrade 4 → 5 for Neo4j, run by every schema check but done once per database
// (marked by a SchemaState node): touchpoints loaded before custgraph kept
// them as events become Touchpoint nodes, made from the TOUCHED aggregates — the first
// touch of each (record, channel) at its firstAt, the others at its lastAt (their own times
// were never kept). Records that have events already are left alone. On a new database it
// only sets the mark.
// mode: autocommit — in batches of their own transactions, so any size fits in memory
// $params: none
// returns: nothing
OPTIONAL MATCH (done:SchemaState {name: 'touchEvents'})
WITH done WHERE done IS NULL
MATCH (c:Customer)-[r:TOUCHED]->(ch:Channel)
WHERE r.firstAt IS NOT NULL AND NOT EXISTS { MATCH (c)-[:MADE]->(:Touchpoint) }
CALL (c, r, ch) {
  CREATE (c)-[:MADE]->(:Touchpoint {at: r.firstAt, channelId: ch.channelId, count: 1})-[:ON]->(ch)
  WITH c, r, ch WHERE r.count > 1
  CREATE (c)-[:MADE]->(:Touchpoint {at: coalesce(r.lastAt, r.firstAt), channelId: ch.channelId,
                                    count: r.count - 1})-[:ON]->(ch)
} IN TRANSACTIONS OF 5000 ROWS;
MERGE (:SchemaState {name: 'touchEvents'})
