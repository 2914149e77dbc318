-- One person's stored behaviour with the run that computed it and when (no row if none).
-- $params: $personId
-- returns: journeys, conversions, touchesBeforeFirstPurchase, daysBeforeFirstPurchase,
--          lastChannelBeforeConversion, topChannelBeforeConversion, stage, run, computedAt
SELECT b.journeys AS journeys, b.conversions AS conversions,
       b.touchesBeforeFirstPurchase AS touchesBeforeFirstPurchase,
       b.daysBeforeFirstPurchase AS daysBeforeFirstPurchase,
       b.lastChannelBeforeConversion AS lastChannelBeforeConversion,
       b.topChannelBeforeConversion AS topChannelBeforeConversion, b.stage AS stage,
       b.run AS run, j.finishedAt AS computedAt
FROM person_behaviour b
LEFT JOIN job_run j ON j.runId = b.run
WHERE b.personId = :personId
