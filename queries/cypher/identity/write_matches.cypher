// Record why records were merged: one MATCHES per kept pair with its rule, score and
// per-field evidence (JSON text).
// $params: $rows — each {src, dst, score, rule, evidence}
// returns: nothing
UNWIND $rows AS row
MATCH (a:Customer {uid: row.src})
MATCH (b:Customer {uid: row.dst})
MERGE (a)-[m:MATCHES]->(b)
SET m.score = row.score, m.rule = row.rule, m.evidence = row.evidence
