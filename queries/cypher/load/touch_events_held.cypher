// How many touchpoint events the store holds (Neo4j's count store answers at once).
// $params: none
// returns: events
MATCH (t:Touchpoint) RETURN count(t) AS events
