// Erase what removing a record (load/delete_customer, run next) would leave behind: the
// identifiers only it had, its orders with their lines, its touchpoint events, overrides
// naming it; and leave a tombstone. Idempotent.
// $params: $uid, $erasedAt (ISO time), $by (who asked: an API key's name or "cli"),
//          $personId (the person it resolved to, or null), which running jobs check
// returns: nothing
MERGE (t:Tombstone {uid: $uid})
ON CREATE SET t.erasedAt = $erasedAt, t.by = $by, t.personId = $personId;
MATCH (c:Customer {uid: $uid})-[:MADE]->(t:Touchpoint)
DETACH DELETE t;
MATCH (c:Customer {uid: $uid})-[:HAS_IDENTIFIER]->(i:Identifier)
WHERE NOT EXISTS { MATCH (i)<-[:HAS_IDENTIFIER]-(o:Customer) WHERE o <> c }
DETACH DELETE i;
MATCH (c:Customer {uid: $uid})-[:PLACED]->(o:Order)
DETACH DELETE o;
MATCH (o:IdentityOverride) WHERE o.a = $uid OR o.b = $uid
DELETE o
