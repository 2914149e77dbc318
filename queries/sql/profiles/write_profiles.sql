-- Store each person's profile attributes (value, churn, segment, preferences, tags,
-- demographics) with the run that computed them; a re-run overwrites them. An erasure is
-- final: nothing is written for a person that no longer exists, nor for one a record of
-- which (as the job saw it, $members) was erased since the job started ($since).
-- $params: $rows — one per person: {personId, members (the record uids), run, asOf,
--          horizonDays, recencyDays, frequency, monetary, …}, every column of the
--          embedded store's person_profile table; lists and maps arrive as JSON text;
--          $since — when the job started (ISO time)
-- returns: nothing
INSERT INTO person_profile (personId, asOf, horizonDays, recencyDays, frequency, monetary,
  currency, rfmRecency, rfmFrequency, rfmMonetary, rfmScore, rfmSegment, expectedPurchases,
  pAlive, expectedSpend, predictedClv, churnRisk, churnFactors, segment, preferredChannel,
  channelMix, topCategories, tags, consentMarketing, demographics, tenureDays, firstPurchaseAt,
  lastPurchaseAt, run)
SELECT :personId, :asOf, :horizonDays, :recencyDays, :frequency, :monetary, :currency,
  :rfmRecency, :rfmFrequency, :rfmMonetary, :rfmScore, :rfmSegment, :expectedPurchases, :pAlive,
  :expectedSpend, :predictedClv, :churnRisk, :churnFactors, :segment, :preferredChannel,
  :channelMix, :topCategories, :tags, :consentMarketing, :demographics, :tenureDays,
  :firstPurchaseAt, :lastPurchaseAt, :run
WHERE EXISTS (SELECT 1 FROM person WHERE personId = :personId)
  AND NOT EXISTS (SELECT 1 FROM tombstone t JOIN json_each(:members) m ON t.uid = m.value
                  WHERE t.erasedAt >= :since)
ON CONFLICT (personId) DO UPDATE SET asOf = excluded.asOf, horizonDays = excluded.horizonDays,
  recencyDays = excluded.recencyDays, frequency = excluded.frequency, monetary =
  excluded.monetary, currency = excluded.currency, rfmRecency = excluded.rfmRecency, rfmFrequency
  = excluded.rfmFrequency, rfmMonetary = excluded.rfmMonetary, rfmScore = excluded.rfmScore,
  rfmSegment = excluded.rfmSegment, expectedPurchases = excluded.expectedPurchases, pAlive =
  excluded.pAlive, expectedSpend = excluded.expectedSpend, predictedClv = excluded.predictedClv,
  churnRisk = excluded.churnRisk, churnFactors = excluded.churnFactors, segment =
  excluded.segment, preferredChannel = excluded.preferredChannel, channelMix =
  excluded.channelMix, topCategories = excluded.topCategories, tags = excluded.tags,
  consentMarketing = excluded.consentMarketing, demographics = excluded.demographics, tenureDays =
  excluded.tenureDays, firstPurchaseAt = excluded.firstPurchaseAt, lastPurchaseAt =
  excluded.lastPurchaseAt, run = excluded.run
