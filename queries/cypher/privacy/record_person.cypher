// A record and the person it resolves to, before it is erased (none if the record is unknown).
// $params: $uid
// returns: uid, personId (null when identity has not run), erased (false)
MATCH (c:Customer {uid: $uid})
OPTIONAL MATCH (c)-[:RESOLVES_TO]->(p:Person)
RETURN c.uid AS uid, p.personId AS personId, false AS erased
UNION
MATCH (t:Tombstone {uid: $uid})
RETURN t.uid AS uid, null AS personId, true AS erased
