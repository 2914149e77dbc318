// The person graph as of a time, part 2: person-level social links of one kind made from
// the record-level links up to that time (a link without `since` counts as always there);
// the same aggregation as identity/derive_person_social, in no particular order.
// slots: {{rel}} — FOLLOWS, FRIENDS_WITH or INTERACTS_WITH
// $params: $until — ISO time; later links are left out
// returns: src, dst (person ids), weight (the links' summed weight)
MATCH (pa:Person)<-[:RESOLVES_TO]-(:Customer)-[r:{{rel}}]->(:Customer)-[:RESOLVES_TO]->(pb:Person)
WHERE pa <> pb AND (r.since IS NULL OR r.since <= datetime($until))
RETURN pa.personId AS src, pb.personId AS dst, toFloat(sum(coalesce(r.weight, 1.0))) AS weight
