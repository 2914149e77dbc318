// Remove every community and membership before a run writes the current ones.
// $params: none
// returns: nothing
MATCH (c:Community)
DETACH DELETE c
