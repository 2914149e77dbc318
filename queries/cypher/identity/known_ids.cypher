// Every person id ever issued (live or retired), so a new person never reuses one.
// $params: none
// returns: personId
MATCH (p:Person) RETURN p.personId AS personId
UNION
MATCH (e:IdentityEvent) RETURN e.personId AS personId
UNION
MATCH (e:IdentityEvent) WHERE e.otherId IS NOT NULL RETURN e.otherId AS personId
