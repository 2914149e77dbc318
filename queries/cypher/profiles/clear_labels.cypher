// Remove every tag and segment (nodes and memberships) before a profile run writes new ones.
// mode: autocommit — in batches of their own transactions
// $params: none
// returns: nothing
MATCH (n) WHERE n:Tag OR n:Segment
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF 1000 ROWS
