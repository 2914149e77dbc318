// The accepted matches among one person's records: why they were merged.
// $params: $personId
// returns: a, b (record uids), score, rule, evidence (JSON text: per-field level and bits)
MATCH (p:Person {personId: $personId})<-[:RESOLVES_TO]-(a:Customer)-[m:MATCHES]->(b:Customer)
WHERE (b)-[:RESOLVES_TO]->(p)
RETURN a.uid AS a, b.uid AS b, m.score AS score, m.rule AS rule, m.evidence AS evidence
ORDER BY a, b
