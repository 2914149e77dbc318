// Records an incremental identity run must resolve: new ones (no person yet, or resolved
// before resolutions kept their blocking keys) and ones whose compared fields changed.
// $params: none
// returns: uid
MATCH (c:Customer)
OPTIONAL MATCH (c)-[r:RESOLVES_TO]->(:Person)
WITH c, r
WHERE r IS NULL OR r.keys IS NULL OR c.identityPending
RETURN c.uid AS uid
ORDER BY uid
