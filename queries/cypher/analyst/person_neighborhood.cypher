// A person and everyone one link away, with the kind of link (for the Browser's graph view).
// $params: $person (person id)
// returns: person, neighbour, link, direction, path (the person, the link and the neighbour)
MATCH path = (p:Person {personId: $person})-[r:REFERRED|FOLLOWS|FRIENDS_WITH|INTERACTS_WITH]-(q:Person)
RETURN p.personId AS person, q.personId AS neighbour, type(r) AS link,
       CASE WHEN startNode(r) = p THEN "out" ELSE "in" END AS direction, path
ORDER BY link, neighbour
