// The person graph for the influence and community jobs, part 2: person-level social links
// of one kind, in no particular order (the projection sorts every edge).
// slots: {{rel}} — FOLLOWS, FRIENDS_WITH or INTERACTS_WITH
// $params: none
// returns: src, dst (person ids), weight (the links' summed weight)
MATCH (a:Person)-[r:{{rel}}]->(b:Person)
RETURN a.personId AS src, b.personId AS dst, toFloat(coalesce(r.weight, r.count, 1)) AS weight
