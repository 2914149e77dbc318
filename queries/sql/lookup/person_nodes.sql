-- What a neighborhood shows of each person (no PII): size, influence, community, segments.
-- $params: $personIds (a list)
-- returns: personId, size, influenceRank, influenceScore, communityId, rfmSegment, segment,
--          churnRisk
SELECT p.personId AS personId, p.size AS size, i.rank AS influenceRank,
       i.score AS influenceScore, c.dst AS communityId, pp.rfmSegment AS rfmSegment,
       pp.segment AS segment, pp.churnRisk AS churnRisk
FROM person p
LEFT JOIN person_influence i ON i.personId = p.personId
LEFT JOIN in_community c ON c.src = p.personId
LEFT JOIN person_profile pp ON pp.personId = p.personId
WHERE p.personId IN (SELECT value FROM json_each(:personIds))
ORDER BY personId
