// What a neighborhood shows of each person (no PII): size, influence, community, segments.
// $params: $personIds (a list)
// returns: personId, size, influenceRank, influenceScore, communityId, rfmSegment, segment,
//          churnRisk
MATCH (p:Person) WHERE p.personId IN $personIds
RETURN p.personId AS personId, p.size AS size, p.influenceRank AS influenceRank,
       p.influenceScore AS influenceScore, p.communityId AS communityId,
       p.rfmSegment AS rfmSegment, p.segment AS segment, p.churnRisk AS churnRisk
ORDER BY personId
