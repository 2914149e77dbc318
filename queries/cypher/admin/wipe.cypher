// Delete every node and relationship (tests and `make clean` only; schema stays).
// $params: none
// returns: nothing
MATCH (n)
DETACH DELETE n
