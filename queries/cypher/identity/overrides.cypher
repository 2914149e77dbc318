// The stored must-link and cannot-link decisions.
// $params: none
// returns: a, b (record uids), decision ('must-link' | 'cannot-link')
MATCH (o:IdentityOverride)
RETURN o.a AS a, o.b AS b, o.decision AS decision
ORDER BY a, b
