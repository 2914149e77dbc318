// The lineage of a person id: when it was created, what merged into it, what split from it.
// $params: $person (person id)
// returns: at, event, person, other, run
MATCH (e:IdentityEvent)
WHERE e.personId = $person OR e.otherId = $person
RETURN e.at AS at, e.event AS event, e.personId AS person, e.otherId AS other, e.run AS run
ORDER BY at, event
