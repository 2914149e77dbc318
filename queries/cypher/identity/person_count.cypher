// How many persons there are.
// $params: none
// returns: n
MATCH (p:Person)
RETURN count(p) AS n
