-- Store each person's behaviour (journeys, conversions, touches and days before the first
-- purchase, channels before converting, journey stage). An erasure is final: nothing is
-- written for a person that no longer exists, nor for one a record of which was erased
-- since the job started ($since).
-- $params: $rows — each {personId, journeys, conversions, touchesBeforeFirstPurchase,
--          daysBeforeFirstPurchase, lastChannelBeforeConversion, topChannelBeforeConversion,
--          stage, run}; $since — when the job started (ISO time)
-- returns: nothing
INSERT INTO person_behaviour (personId, journeys, conversions, touchesBeforeFirstPurchase,
  daysBeforeFirstPurchase, lastChannelBeforeConversion, topChannelBeforeConversion, stage, run)
SELECT :personId, :journeys, :conversions, :touchesBeforeFirstPurchase,
  :daysBeforeFirstPurchase, :lastChannelBeforeConversion, :topChannelBeforeConversion, :stage,
  :run
WHERE EXISTS (SELECT 1 FROM person WHERE personId = :personId)
  AND NOT EXISTS (SELECT 1 FROM tombstone WHERE personId = :personId AND erasedAt >= :since)
