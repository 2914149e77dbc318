// The person-level links among some persons, of some types (the edges of a neighborhood).
// $params: $personIds (a list), $rels (a list of REFERRED, FOLLOWS, FRIENDS_WITH, INTERACTS_WITH)
// returns: src, dst, type, weight (social: summed weight; referrals: count) — ordered
MATCH (p:Person)-[r:REFERRED|FOLLOWS|FRIENDS_WITH|INTERACTS_WITH]->(q:Person)
WHERE p.personId IN $personIds AND q.personId IN $personIds AND type(r) IN $rels
RETURN p.personId AS src, q.personId AS dst, type(r) AS type,
       toFloat(coalesce(r.weight, r.count, 1)) AS weight
ORDER BY src, dst, type
