// A person's identity cluster: every record, its source, and the matches with their evidence.
// $params: $person (person id)
// returns: record, source, confidence, matched_with, rule, score, evidence, resolves (the
// record's link to the person), matched (the accepted match to another record, if any)
MATCH resolves = (c:Customer)-[r:RESOLVES_TO]->(p:Person {personId: $person})
OPTIONAL MATCH matched = (c)-[m:MATCHES]->(o:Customer)-[:RESOLVES_TO]->(p)
RETURN c.uid AS record, c.source AS source, r.confidence AS confidence,
       o.uid AS matched_with, m.rule AS rule, m.score AS score, m.evidence AS evidence,
       resolves, matched
ORDER BY record, matched_with
