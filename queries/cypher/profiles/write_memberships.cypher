// Link persons to their segment and tags (IN_SEGMENT, HAS_TAG) as their new profile says,
// inside the write-back's transaction: only memberships that changed are removed or added, so
// no reader ever sees a person without its segment. Only for persons whose profile this run
// wrote (p.profileRun = $run): one skipped for an erasure keeps its old profile and labels.
// Each person's memberships are read in one pass and the missing ones created, not merged:
// the profile write earlier in this transaction holds the person's write lock, so no other
// write-back can add one between the read and the create (a MERGE re-read every person's
// relationships: 3.8 s against 2.3 s of server time at 62,792 persons, docs/benchmarks.md).
// $params: $rows — each {personId, segment (name or null), tags (list of names)};
//          $run — the run writing them
// returns: nothing
UNWIND $rows AS row
MATCH (p:Person {personId: row.personId})
WHERE p.profileRun = $run
CALL (p, row) {
  OPTIONAL MATCH (p)-[r:IN_SEGMENT|HAS_TAG]->(x)
  WITH row, r, x.name AS name, type(r) = 'IN_SEGMENT' AS isSegment
  WITH row,
       collect(CASE WHEN (isSegment AND name <> coalesce(row.segment, ''))
                      OR (NOT isSegment AND NOT name IN row.tags) THEN r END) AS stale,
       collect(CASE WHEN isSegment THEN name END) AS segments,
       collect(CASE WHEN NOT isSegment THEN name END) AS tags
  FOREACH (r IN stale | DELETE r)
  RETURN CASE WHEN row.segment IS NULL OR row.segment IN segments THEN []
              ELSE [row.segment] END AS newSegment,
         [t IN row.tags WHERE NOT t IN tags] AS newTags
}
CALL (p, newSegment) {
  UNWIND newSegment AS name
  MATCH (s:Segment {name: name})
  CREATE (p)-[:IN_SEGMENT]->(s)
}
CALL (p, newTags) {
  UNWIND newTags AS name
  WITH DISTINCT p, name
  MATCH (t:Tag {name: name})
  CREATE (p)-[:HAS_TAG]->(t)
}
