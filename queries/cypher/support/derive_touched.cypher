// TOUCHED summed again from every touchpoint event, in one set-based statement (a test
// checks that the aggregate loads maintain per batch is exactly this).
// mode: autocommit — in batches of their own transactions, so any size fits in memory
// $params: none
// returns: nothing
MATCH (c:Customer)-[:MADE]->(t:Touchpoint)-[:ON]->(ch:Channel)
WITH c, ch, sum(t.count) AS n, min(t.at) AS first, max(t.at) AS last
CALL (c, ch, n, first, last) {
  MERGE (c)-[r:TOUCHED]->(ch)
  SET r.count = n, r.firstAt = first, r.lastAt = last
} IN TRANSACTIONS OF 10000 ROWS
