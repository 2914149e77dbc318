// The person a record resolves to.
// $params: $uid (source:id)
// returns: personId (no row when the record is unknown or not resolved yet)
MATCH (:Customer {uid: $uid})-[:RESOLVES_TO]->(p:Person)
RETURN p.personId AS personId
