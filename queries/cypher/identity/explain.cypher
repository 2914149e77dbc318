// Why a record belongs to its person: every member record, and the matches among them with
// rule, score and per-field evidence.
// $params: $uid (the record's uid)
// returns: personId, uid, confidence, matchedWith, score, rule, evidence — one row per member
//          and match (matchedWith null for a member with no match of its own)
MATCH (:Customer {uid: $uid})-[:RESOLVES_TO]->(p:Person)
MATCH (m:Customer)-[rm:RESOLVES_TO]->(p)
OPTIONAL MATCH (m)-[x:MATCHES]->(o:Customer)-[:RESOLVES_TO]->(p)
RETURN p.personId AS personId, m.uid AS uid, rm.confidence AS confidence,
       o.uid AS matchedWith, x.score AS score, x.rule AS rule, x.evidence AS evidence
ORDER BY uid, matchedWith
