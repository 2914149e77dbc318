// Remove the stored behaviour of persons a record of which was erased (it was derived from
// that record's touchpoints); the next journeys run computes it again from what is left.
// $params: $personIds — a list
// returns: nothing
MATCH (p:Person) WHERE p.personId IN $personIds
REMOVE p.journeyRun, p.journeys, p.conversions, p.touchesBeforeFirstPurchase,
       p.daysBeforeFirstPurchase, p.lastChannelBeforeConversion,
       p.topChannelBeforeConversion, p.journeyStage
