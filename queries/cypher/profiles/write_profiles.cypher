// Store each person's profile attributes (value, churn, segment, preferences, tags,
// demographics) with the run that computed them; a re-run overwrites them. An erasure is
// final: nothing is written for a person that no longer exists, nor for one a record of
// which (as the job saw it, row.members) was erased since the job started ($since).
// $params: $rows — one per person: {personId, members (the record uids), run, asOf,
//          horizonDays, recencyDays, frequency, monetary, …}, every column of the
//          embedded store's person_profile table; lists and maps arrive as JSON text;
//          $since — when the job started (ISO time)
// returns: nothing
// commit: 10x its state (Neo4j 5.26, profiles written fresh or changed: 10,000 persons,
//   56 MiB of transaction state, committed in a 717 MiB pool; 15,000 persons, 82 MiB, did
//   not; the store's write goes in batches before it gets there, docs/benchmarks.md)
UNWIND $rows AS row
MATCH (p:Person {personId: row.personId})
WHERE NOT EXISTS {
  MATCH (t:Tombstone) WHERE t.erasedAt >= $since AND t.uid IN row.members
}
SET p.profileAsOf = row.asOf,
    p.horizonDays = row.horizonDays,
    p.recencyDays = row.recencyDays,
    p.frequency = row.frequency,
    p.monetary = row.monetary,
    p.currency = row.currency,
    p.rfmRecency = row.rfmRecency,
    p.rfmFrequency = row.rfmFrequency,
    p.rfmMonetary = row.rfmMonetary,
    p.rfmScore = row.rfmScore,
    p.rfmSegment = row.rfmSegment,
    p.expectedPurchases = row.expectedPurchases,
    p.pAlive = row.pAlive,
    p.expectedSpend = row.expectedSpend,
    p.predictedClv = row.predictedClv,
    p.churnRisk = row.churnRisk,
    p.churnFactors = row.churnFactors,
    p.segment = row.segment,
    p.preferredChannel = row.preferredChannel,
    p.channelMix = row.channelMix,
    p.topCategories = row.topCategories,
    p.tags = row.tags,
    p.consentMarketing = row.consentMarketing,
    p.demographics = row.demographics,
    p.tenureDays = row.tenureDays,
    p.firstPurchaseAt = row.firstPurchaseAt,
    p.lastPurchaseAt = row.lastPurchaseAt,
    p.profileRun = row.run
