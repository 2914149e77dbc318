// Link records to their identifiers (which exist already: load/merge_identifiers).
// $params: $rows — each {uid, key}
// returns: nothing
UNWIND $rows AS row
MATCH (c:Customer {uid: row.uid})
MATCH (i:Identifier {key: row.key})
MERGE (c)-[:HAS_IDENTIFIER]->(i)
