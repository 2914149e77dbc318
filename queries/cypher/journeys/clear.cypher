// Remove the journeys job's results (paths, attribution, transitions, per-person behaviour)
// before a run writes its own, in the same transaction.
// $params: none
// returns: nothing
MATCH (n) WHERE n:JourneyPath OR n:ChannelCredit OR n:ChannelTransition
DETACH DELETE n;
MATCH (p:Person) WHERE p.journeyRun IS NOT NULL
REMOVE p.journeyRun, p.journeys, p.conversions, p.touchesBeforeFirstPurchase,
       p.daysBeforeFirstPurchase, p.lastChannelBeforeConversion,
       p.topChannelBeforeConversion, p.journeyStage
