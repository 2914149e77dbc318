// One person's stored behaviour with the run that computed it and when (no row if none).
// $params: $personId
// returns: journeys, conversions, touchesBeforeFirstPurchase, daysBeforeFirstPurchase,
//          lastChannelBeforeConversion, topChannelBeforeConversion, stage, run, computedAt
MATCH (p:Person {personId: $personId})
WHERE p.journeyRun IS NOT NULL
OPTIONAL MATCH (j:JobRun {runId: p.journeyRun})
RETURN p.journeys AS journeys, p.conversions AS conversions,
       p.touchesBeforeFirstPurchase AS touchesBeforeFirstPurchase,
       p.daysBeforeFirstPurchase AS daysBeforeFirstPurchase,
       p.lastChannelBeforeConversion AS lastChannelBeforeConversion,
       p.topChannelBeforeConversion AS topChannelBeforeConversion, p.journeyStage AS stage,
       p.journeyRun AS run, j.finishedAt AS computedAt
