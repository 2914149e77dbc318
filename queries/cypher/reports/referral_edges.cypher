// The person-level referral edges within three hops of the given persons: all the report
// needs to draw their referral trees (it read every link of the graph for them before).
// $params: $roots (a list of person ids)
// returns: src, dst (person ids), kind ('REFERRED')
MATCH (root:Person) WHERE root.personId IN $roots
MATCH (root)-[:REFERRED*0..2]->(a:Person)
WITH DISTINCT a
MATCH (a)-[:REFERRED]->(b:Person)
RETURN DISTINCT a.personId AS src, b.personId AS dst, 'REFERRED' AS kind
ORDER BY src, dst
