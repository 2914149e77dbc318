// Store must-link / cannot-link decisions (a later decision on the same pair replaces it).
// $params: $rows — each {key, a, b, decision}; key = a|b with a < b
// returns: nothing
UNWIND $rows AS row
MERGE (o:IdentityOverride {key: row.key})
SET o.a = row.a, o.b = row.b, o.decision = row.decision
