// Every resolved record with its hashed blocking keys (graph.identity.keys): the index an
// incremental run looks records up in.
// $params: none
// returns: uid, keys
MATCH (c:Customer)-[r:RESOLVES_TO]->(:Person)
RETURN c.uid AS uid, r.keys AS keys
