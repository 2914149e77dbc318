// Link persons to their segment and tags (IN_SEGMENT, HAS_TAG) as their new profile says,
// inside the write-back's transaction: only memberships that changed are removed or added, so
// no reader ever sees a person without its segment. Only for persons whose profile this run
// wrote (p.profileRun = $run): one skipped for an erasure keeps its old profile and labels.
// $params: $rows — each {personId, segment (name or null), tags (list of names)};
//          $run — the run writing them
// returns: nothing
UNWIND $rows AS row
MATCH (p:Person {personId: row.personId})
WHERE p.profileRun = $run
CALL (p, row) {
  MATCH (p)-[r:IN_SEGMENT]->(s:Segment)
  WHERE row.segment IS NULL OR s.name <> row.segment
  DELETE r
}
CALL (p, row) {
  MATCH (s:Segment {name: row.segment})
  MERGE (p)-[:IN_SEGMENT]->(s)
}
CALL (p, row) {
  MATCH (p)-[r:HAS_TAG]->(t:Tag)
  WHERE NOT t.name IN row.tags
  DELETE r
}
CALL (p, row) {
  UNWIND row.tags AS tag
  MATCH (t:Tag {name: tag})
  MERGE (p)-[:HAS_TAG]->(t)
}
