// How many identity-state entries start with $prefix and how many characters their values
// hold, counted in the store (the big-write tests' rows: too large to bring over).
// $params: $prefix
// returns: n, chars
MATCH (s:IdentityState)
WHERE s.name STARTS WITH $prefix
RETURN count(s) AS n, coalesce(sum(size(s.value)), 0) AS chars
