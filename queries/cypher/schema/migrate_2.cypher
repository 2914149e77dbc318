// Schema upgrade 2 → 3 for Neo4j: none is needed (RESOLVES_TO.keys and
// Customer.identityPending need no declaration), so this returns the version it is at.
// $params: none
// returns: version
RETURN 3 AS version
