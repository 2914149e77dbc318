// The shortest chain of referrals and social links between two persons.
// $params: $from (person id), $to (person id)
// returns: hops, persons (the ids along the path), links (relationship types along it), path
MATCH (a:Person {personId: $from}), (b:Person {personId: $to})
MATCH path = shortestPath((a)-[:REFERRED|FOLLOWS|FRIENDS_WITH|INTERACTS_WITH*..8]-(b))
RETURN length(path) AS hops, [n IN nodes(path) | n.personId] AS persons,
       [r IN relationships(path) | type(r)] AS links, path
