// Schema upgrade 5 → 6 for Neo4j, run by every schema check but done once per database
// (marked by a SchemaState node): the record key's second part is called sourceCustomerId
// in every layer's graph spelling (Customer nodes kept it as sourceId). On a new database it
// only sets the mark.
// mode: autocommit — in batches of their own transactions, so any size fits in memory
// $params: none
// returns: nothing
OPTIONAL MATCH (done:SchemaState {name: 'sourceCustomerId'})
WITH done WHERE done IS NULL
MATCH (c:Customer) WHERE c.sourceId IS NOT NULL
CALL (c) {
  SET c.sourceCustomerId = c.sourceId
  REMOVE c.sourceId
} IN TRANSACTIONS OF 10000 ROWS;
MERGE (:SchemaState {name: 'sourceCustomerId'})
