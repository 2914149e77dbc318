// The persons linked to some persons (one hop of a neighborhood), first by id, leaving out
// those already seen.
// $params: $personIds (a list), $rels (a list of REFERRED, FOLLOWS, FRIENDS_WITH,
//          INTERACTS_WITH), $exclude (person ids to leave out), $limit
// returns: personId — distinct, ordered, at most $limit
MATCH (p:Person)-[r:REFERRED|FOLLOWS|FRIENDS_WITH|INTERACTS_WITH]-(q:Person)
WHERE p.personId IN $personIds AND type(r) IN $rels AND NOT q.personId IN $exclude
RETURN DISTINCT q.personId AS personId
ORDER BY personId
LIMIT $limit
