// Every ranked person with the parts of its influence score, its community, what its records
// say about marketing consent, and whether any of its records referred another of its records.
// $params: none
// returns: person_id, rank, score, pagerank, in_degree, out_degree, referral_reach,
//          referral_depth, referred_revenue, coreness, betweenness, community_id,
//          consent_yes, consent_no (records saying yes / no), self_referral, run
CALL () {
  // the persons with a self-referral, found once from the referrals themselves (asked per
  // person, the walk from each person's records cost half the query at 60k persons)
  MATCH ()-[r:REFERRED]->()
  WHERE r.selfReferral = true
  WITH startNode(r) AS c
  MATCH (c:Customer)-[:RESOLVES_TO]->(s:Person)
  RETURN collect(DISTINCT s) AS selfReferring
}
MATCH (p:Person) WHERE p.influenceRank IS NOT NULL
CALL (p) {
  MATCH (p)<-[:RESOLVES_TO]-(c:Customer)
  RETURN sum(CASE WHEN c.consentMarketing = true THEN 1 ELSE 0 END) AS consent_yes,
         sum(CASE WHEN c.consentMarketing = false THEN 1 ELSE 0 END) AS consent_no
}
RETURN p.personId AS person_id, p.influenceRank AS rank, p.influenceScore AS score,
       p.pagerank AS pagerank, p.inDegree AS in_degree, p.outDegree AS out_degree,
       p.referralReach AS referral_reach, p.referralDepth AS referral_depth,
       p.referredRevenue AS referred_revenue, p.coreness AS coreness,
       p.betweenness AS betweenness, p.communityId AS community_id, consent_yes, consent_no,
       p IN selfReferring AS self_referral,
       p.influenceRun AS run
ORDER BY rank
