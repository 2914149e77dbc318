// Schema upgrades for Neo4j: none are needed (properties need no declaration and
// schema/create only adds constraints and indexes), so this returns the version it is at.
// $params: none
// returns: version
RETURN 2 AS version
