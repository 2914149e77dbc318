// How many persons appear in how many sources (the value of resolving identities).
// $params: none
// returns: sources, persons
MATCH (p:Person)<-[:RESOLVES_TO]-(c:Customer)
WITH p, count(DISTINCT c.source) AS sources
RETURN sources, count(p) AS persons
ORDER BY sources
