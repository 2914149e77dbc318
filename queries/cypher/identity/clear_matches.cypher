// Remove every MATCHES relationship before a full run writes the current ones.
// mode: autocommit — in batches, so any number fits in memory
// $params: none
// returns: nothing
MATCH (:Customer)-[m:MATCHES]->(:Customer)
CALL (m) {
  DELETE m
} IN TRANSACTIONS OF 10000 ROWS
