// Whether any two persons are linked socially (FOLLOWS, FRIENDS_WITH, INTERACTS_WITH): the
// profile job leaves graph features out, and says so, when nobody is linked at all.
// $params: none
// returns: linked (true or false)
RETURN EXISTS { MATCH (:Person)-[:FOLLOWS|FRIENDS_WITH|INTERACTS_WITH]->(:Person) } AS linked
