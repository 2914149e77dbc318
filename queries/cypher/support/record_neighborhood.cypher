// Every node within {{depth}} hops of a record, in any direction, with its distance.
// slots: {{depth}} — 1..3 (an integer; Cypher takes no parameter for path length)
// $params: $uid (the record's uid)
// returns: label (primary label), key, hops — ordered by hops, label, key
MATCH (c:Customer {uid: $uid})
MATCH p = (c)-[*1..{{depth}}]-(n)
WHERE n <> c
WITH n, min(length(p)) AS hops
RETURN CASE WHEN n:Identifier THEN 'Identifier' ELSE labels(n)[0] END AS label,
       coalesce(n.uid, n.personId, n.key, n.channelId, n.productId, n.orderId,
                n.communityId, n.name) AS key,
       hops
ORDER BY hops, label, key
