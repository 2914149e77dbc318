// The persons whose records carry an identifier (an e-mail, a phone, …).
// $params: $key (kind:normalised value, e.g. email:ann@example.com)
// returns: personId, records (how many of its records carry it) — most records first
MATCH (:Identifier {key: $key})<-[:HAS_IDENTIFIER]-(:Customer)-[:RESOLVES_TO]->(p:Person)
RETURN p.personId AS personId, count(*) AS records
ORDER BY records DESC, personId
