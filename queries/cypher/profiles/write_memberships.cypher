// Link persons to their segment and tags (IN_SEGMENT, HAS_TAG).
// $params: $rows — each {personId, segment (name or null), tags (list of names)}
// returns: nothing
UNWIND $rows AS row
MATCH (p:Person {personId: row.personId})
CALL (p, row) {
  MATCH (s:Segment {name: row.segment})
  MERGE (p)-[:IN_SEGMENT]->(s)
}
CALL (p, row) {
  UNWIND row.tags AS tag
  MATCH (t:Tag {name: tag})
  MERGE (p)-[:HAS_TAG]->(t)
}
