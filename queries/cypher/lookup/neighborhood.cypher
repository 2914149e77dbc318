// A person's neighborhood in one query: persons within $depth hops over person-level links
// of the wanted types, nearest first and then by id, at most $cap in all (the centre
// included); the links among them; and whether the cap cut anything off.
// $params: $personId, $rels (a list of REFERRED, FOLLOWS, FRIENDS_WITH, INTERACTS_WITH),
//          $depth (1..3), $cap (at least 1)
// returns: nodes (list of {id, hops, size, influenceRank, communityId, rfmSegment,
//          segment, churnRisk}, by hops then id), links (list of {src, dst, type,
//          weight}), truncated (true when the cap cut persons off); no row for an unknown id
MATCH (c:Person {personId: $personId})
CALL (c) {
  OPTIONAL MATCH (c)-[r:REFERRED|FOLLOWS|FRIENDS_WITH|INTERACTS_WITH]-(n:Person)
  WHERE type(r) IN $rels AND n <> c
  WITH DISTINCT n ORDER BY n.personId
  RETURN collect(n) AS found1
}
WITH c, found1[..($cap - 1)] AS level1, size(found1) > $cap - 1 AS cut1
CALL (c, level1, cut1) {
  UNWIND CASE WHEN $depth >= 2 AND NOT cut1 THEN level1 ELSE [] END AS p
  MATCH (p)-[r:REFERRED|FOLLOWS|FRIENDS_WITH|INTERACTS_WITH]-(n:Person)
  WHERE type(r) IN $rels AND n <> c AND NOT n IN level1
  WITH DISTINCT n ORDER BY n.personId
  RETURN collect(n) AS found2
}
WITH c, level1, cut1, found2[..($cap - 1 - size(level1))] AS level2,
     size(found2) > $cap - 1 - size(level1) AS cut2
CALL (c, level1, level2, cut1, cut2) {
  UNWIND CASE WHEN $depth >= 3 AND NOT (cut1 OR cut2) THEN level2 ELSE [] END AS p
  MATCH (p)-[r:REFERRED|FOLLOWS|FRIENDS_WITH|INTERACTS_WITH]-(n:Person)
  WHERE type(r) IN $rels AND n <> c AND NOT n IN level1 AND NOT n IN level2
  WITH DISTINCT n ORDER BY n.personId
  RETURN collect(n) AS found3
}
WITH c, level1, level2, found3[..($cap - 1 - size(level1) - size(level2))] AS level3,
     cut1 OR cut2 OR size(found3) > $cap - 1 - size(level1) - size(level2) AS truncated
WITH [c] + level1 + level2 + level3 AS nodes,
     [0] + [x IN level1 | 1] + [x IN level2 | 2] + [x IN level3 | 3] AS hops, truncated
CALL (nodes) {
  UNWIND nodes AS p
  MATCH (p)-[r:REFERRED|FOLLOWS|FRIENDS_WITH|INTERACTS_WITH]->(q:Person)
  WHERE type(r) IN $rels AND q IN nodes
  RETURN collect({src: p.personId, dst: q.personId, type: type(r),
                  weight: toFloat(coalesce(r.weight, r.count, 1))}) AS links
}
RETURN [i IN range(0, size(nodes) - 1) | {id: nodes[i].personId, hops: hops[i],
        size: nodes[i].size, influenceRank: nodes[i].influenceRank,
        communityId: nodes[i].communityId, rfmSegment: nodes[i].rfmSegment,
        segment: nodes[i].segment, churnRisk: nodes[i].churnRisk}] AS nodes,
       links, truncated
