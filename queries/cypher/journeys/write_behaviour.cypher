// Store each person's behaviour (journeys, conversions, touches and days before the first
// purchase, channels before converting, journey stage). An erasure is final: nothing is
// written for a person that no longer exists, nor for one a record of which was erased
// since the job started ($since).
// $params: $rows — each {personId, journeys, conversions, touchesBeforeFirstPurchase,
//          daysBeforeFirstPurchase, lastChannelBeforeConversion, topChannelBeforeConversion,
//          stage, run}; $since — when the job started (ISO time)
// returns: nothing
UNWIND $rows AS row
MATCH (p:Person {personId: row.personId})
WHERE NOT EXISTS {
  MATCH (t:Tombstone {personId: row.personId}) WHERE t.erasedAt >= $since
}
SET p.journeyRun = row.run,
    p.journeys = row.journeys,
    p.conversions = row.conversions,
    p.touchesBeforeFirstPurchase = row.touchesBeforeFirstPurchase,
    p.daysBeforeFirstPurchase = row.daysBeforeFirstPurchase,
    p.lastChannelBeforeConversion = row.lastChannelBeforeConversion,
    p.topChannelBeforeConversion = row.topChannelBeforeConversion,
    p.journeyStage = row.stage
