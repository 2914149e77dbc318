// One person's stored profile with its identity, influence and community results, and
// when and by which run each part was computed (one row; none for an unknown person).
// $params: $personId
// (also returns records: the member records as a list of {uid, source, sourceCustomerId,
// confidence}, ordered by uid)
// returns: personId, size, identityRun, identityAt, asOf, horizonDays, recencyDays,
//          frequency, monetary, currency, rfmRecency, rfmFrequency, rfmMonetary, rfmScore,
//          rfmSegment, expectedPurchases, pAlive, expectedSpend, predictedClv, churnRisk,
//          churnFactors, segment, preferredChannel, channelMix, topCategories, tags,
//          consentMarketing, demographics, tenureDays, firstPurchaseAt, lastPurchaseAt,
//          profileRun, profileAt, segmentDescription, influenceScore, influenceRank,
//          pagerank, inDegree, outDegree, referralReach, referralDepth, referredRevenue,
//          coreness, betweenness, influenceRun, influenceAt, communityId, participation,
//          communitySize, communityRun, communityAt, profileCounts (the profile run's
//          counts, JSON text), journeys, conversions, touchesBeforeFirstPurchase,
//          daysBeforeFirstPurchase, lastChannelBeforeConversion, topChannelBeforeConversion,
//          journeyStage, journeyRun, journeyAt (the behaviour; null without a journeys run)
// (one query for the whole document: each round trip to the server is what an API
// request's time is made of)
MATCH (p:Person {personId: $personId})
OPTIONAL MATCH (p)-[:IN_COMMUNITY]->(c:Community)
OPTIONAL MATCH (s:Segment {name: p.segment})
OPTIONAL MATCH (ji:JobRun {runId: p.run})
OPTIONAL MATCH (jp:JobRun {runId: p.profileRun})
OPTIONAL MATCH (jf:JobRun {runId: p.influenceRun})
OPTIONAL MATCH (jc:JobRun {runId: c.run})
OPTIONAL MATCH (jj:JobRun {runId: p.journeyRun})
CALL (p) {
  MATCH (m:Customer)-[r:RESOLVES_TO]->(p)
  WITH m, r ORDER BY m.uid
  RETURN collect({uid: m.uid, source: m.source, sourceCustomerId: m.sourceCustomerId,
                  confidence: r.confidence}) AS records
}
RETURN records, p.personId AS personId, p.size AS size, p.run AS identityRun, ji.finishedAt AS identityAt,
       p.profileAsOf AS asOf, p.horizonDays AS horizonDays, p.recencyDays AS recencyDays,
       p.frequency AS frequency, p.monetary AS monetary, p.currency AS currency,
       p.rfmRecency AS rfmRecency, p.rfmFrequency AS rfmFrequency, p.rfmMonetary AS rfmMonetary,
       p.rfmScore AS rfmScore, p.rfmSegment AS rfmSegment,
       p.expectedPurchases AS expectedPurchases, p.pAlive AS pAlive,
       p.expectedSpend AS expectedSpend, p.predictedClv AS predictedClv, p.churnRisk AS churnRisk,
       p.churnFactors AS churnFactors, p.segment AS segment,
       p.preferredChannel AS preferredChannel, p.channelMix AS channelMix,
       p.topCategories AS topCategories, p.tags AS tags, p.consentMarketing AS consentMarketing,
       p.demographics AS demographics, p.tenureDays AS tenureDays,
       p.firstPurchaseAt AS firstPurchaseAt, p.lastPurchaseAt AS lastPurchaseAt,
       p.profileRun AS profileRun, jp.finishedAt AS profileAt,
       s.description AS segmentDescription, p.influenceScore AS influenceScore,
       p.influenceRank AS influenceRank, p.pagerank AS pagerank, p.inDegree AS inDegree,
       p.outDegree AS outDegree, p.referralReach AS referralReach,
       p.referralDepth AS referralDepth, p.referredRevenue AS referredRevenue,
       p.coreness AS coreness, p.betweenness AS betweenness, p.influenceRun AS influenceRun,
       jf.finishedAt AS influenceAt, c.communityId AS communityId,
       p.participation AS participation, c.size AS communitySize, c.run AS communityRun,
       jc.finishedAt AS communityAt, jp.counts AS profileCounts, p.journeys AS journeys,
       p.conversions AS conversions, p.touchesBeforeFirstPurchase AS touchesBeforeFirstPurchase,
       p.daysBeforeFirstPurchase AS daysBeforeFirstPurchase,
       p.lastChannelBeforeConversion AS lastChannelBeforeConversion,
       p.topChannelBeforeConversion AS topChannelBeforeConversion,
       p.journeyStage AS journeyStage, p.journeyRun AS journeyRun, jj.finishedAt AS journeyAt
