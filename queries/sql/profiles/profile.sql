-- One person's stored profile with its identity, influence and community results, and
-- when and by which run each part was computed (one row; none for an unknown person).
-- $params: $personId
-- (also returns records: the member records as a JSON list of {uid, source,
-- sourceCustomerId, confidence}, ordered by uid)
-- returns: personId, size, identityRun, identityAt, asOf, horizonDays, recencyDays,
--          frequency, monetary, currency, rfmRecency, rfmFrequency, rfmMonetary, rfmScore,
--          rfmSegment, expectedPurchases, pAlive, expectedSpend, predictedClv, churnRisk,
--          churnFactors, segment, preferredChannel, channelMix, topCategories, tags,
--          consentMarketing, demographics, tenureDays, firstPurchaseAt, lastPurchaseAt,
--          profileRun, profileAt, segmentDescription, influenceScore, influenceRank,
--          pagerank, inDegree, outDegree, referralReach, referralDepth, referredRevenue,
--          coreness, betweenness, influenceRun, influenceAt, communityId, participation,
--          communitySize, communityRun, communityAt, profileCounts (the profile run's
--          counts, JSON text), journeys, conversions, touchesBeforeFirstPurchase,
--          daysBeforeFirstPurchase, lastChannelBeforeConversion, topChannelBeforeConversion,
--          journeyStage, journeyRun, journeyAt (the behaviour; null without a journeys run)
SELECT (SELECT json_group_array(json_object('uid', m.uid, 'source', m.source,
          'sourceCustomerId', m.sourceCustomerId, 'confidence', m.confidence))
        FROM (SELECT c.uid, c.source, c.sourceCustomerId, r.confidence FROM resolves_to r
              JOIN customer c ON c.uid = r.src WHERE r.dst = p.personId ORDER BY c.uid) m)
         AS records,
       p.personId AS personId, p.size AS size, p.run AS identityRun, ji.finishedAt AS identityAt,
       pp.asOf AS asOf, pp.horizonDays AS horizonDays, pp.recencyDays AS recencyDays,
       pp.frequency AS frequency, pp.monetary AS monetary, pp.currency AS currency,
       pp.rfmRecency AS rfmRecency, pp.rfmFrequency AS rfmFrequency,
       pp.rfmMonetary AS rfmMonetary, pp.rfmScore AS rfmScore, pp.rfmSegment AS rfmSegment,
       pp.expectedPurchases AS expectedPurchases, pp.pAlive AS pAlive,
       pp.expectedSpend AS expectedSpend, pp.predictedClv AS predictedClv,
       pp.churnRisk AS churnRisk, pp.churnFactors AS churnFactors, pp.segment AS segment,
       pp.preferredChannel AS preferredChannel, pp.channelMix AS channelMix,
       pp.topCategories AS topCategories, pp.tags AS tags,
       pp.consentMarketing AS consentMarketing, pp.demographics AS demographics,
       pp.tenureDays AS tenureDays, pp.firstPurchaseAt AS firstPurchaseAt,
       pp.lastPurchaseAt AS lastPurchaseAt, pp.run AS profileRun, jp.finishedAt AS profileAt,
       s.description AS segmentDescription, i.score AS influenceScore, i.rank AS influenceRank,
       i.pagerank AS pagerank, i.inDegree AS inDegree, i.outDegree AS outDegree,
       i.referralReach AS referralReach, i.referralDepth AS referralDepth,
       i.referredRevenue AS referredRevenue, i.coreness AS coreness, i.betweenness AS betweenness,
       i.run AS influenceRun, jf.finishedAt AS influenceAt, c.communityId AS communityId,
       ic.participation AS participation, c.size AS communitySize, c.run AS communityRun,
       jc.finishedAt AS communityAt, jp.counts AS profileCounts, b.journeys AS journeys,
       b.conversions AS conversions, b.touchesBeforeFirstPurchase AS touchesBeforeFirstPurchase,
       b.daysBeforeFirstPurchase AS daysBeforeFirstPurchase,
       b.lastChannelBeforeConversion AS lastChannelBeforeConversion,
       b.topChannelBeforeConversion AS topChannelBeforeConversion, b.stage AS journeyStage,
       b.run AS journeyRun, jj.finishedAt AS journeyAt
FROM person p
LEFT JOIN person_profile pp ON pp.personId = p.personId
LEFT JOIN segment s ON s.name = pp.segment
LEFT JOIN person_influence i ON i.personId = p.personId
LEFT JOIN in_community ic ON ic.src = p.personId
LEFT JOIN community c ON c.communityId = ic.dst
LEFT JOIN job_run ji ON ji.runId = p.run
LEFT JOIN job_run jp ON jp.runId = pp.run
LEFT JOIN job_run jf ON jf.runId = i.run
LEFT JOIN job_run jc ON jc.runId = c.run
LEFT JOIN person_behaviour b ON b.personId = p.personId
LEFT JOIN job_run jj ON jj.runId = b.run
WHERE p.personId = :personId
