// Delete every node and relationship (tests and `make clean` only; schema stays).
// mode: autocommit — relationships, then nodes, in batches of their own transactions, so
// any size fits in memory (a DETACH DELETE of a busy channel would not)
// $params: none
// returns: nothing
MATCH ()-[r]->()
CALL (r) {
  DELETE r
} IN TRANSACTIONS OF 10000 ROWS;
MATCH (n)
CALL (n) {
  DELETE n
} IN TRANSACTIONS OF 10000 ROWS
