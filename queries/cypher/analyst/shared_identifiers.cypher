// Identifiers shared by suspiciously many records (test@test.com, 0000000000, a shop's phone):
// identity resolution does not link through them.
// $params: $min_records (integer, default 10)
// returns: identifier, kind, records, persons
:param min_records => 10;
MATCH (i:Identifier)<-[:HAS_IDENTIFIER]-(c:Customer)
WITH i, count(c) AS records, collect(c) AS customers
WHERE records >= $min_records
CALL (customers) {
  UNWIND customers AS c
  OPTIONAL MATCH (c)-[:RESOLVES_TO]->(p:Person)
  RETURN count(DISTINCT p) AS persons
}
RETURN i.key AS identifier, i.kind AS kind, records, persons
ORDER BY records DESC, identifier
