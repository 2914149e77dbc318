// The first-order transitions between channels of the last journeys run.
// $params: none
// returns: from, to, journeys, probability
MATCH (t:ChannelTransition)
RETURN t.from AS from, t.to AS to, t.journeys AS journeys, t.probability AS probability
ORDER BY from, to
