-- Every ranked person with the parts of its influence score, its community, what its records
-- say about marketing consent, and whether any of its records referred another of its records.
-- $params: none
-- returns: person_id, rank, score, pagerank, in_degree, out_degree, referral_reach,
--          referral_depth, referred_revenue, coreness, betweenness, community_id,
--          consent_yes, consent_no (records saying yes / no), self_referral, run
SELECT i.personId AS person_id, i.rank AS rank, i.score AS score, i.pagerank AS pagerank,
       i.inDegree AS in_degree, i.outDegree AS out_degree, i.referralReach AS referral_reach,
       i.referralDepth AS referral_depth, i.referredRevenue AS referred_revenue,
       i.coreness AS coreness, i.betweenness AS betweenness, ic.dst AS community_id,
       (SELECT count(*) FROM resolves_to r JOIN customer c ON c.uid = r.src
        WHERE r.dst = i.personId AND c.consentMarketing = 1) AS consent_yes,
       (SELECT count(*) FROM resolves_to r JOIN customer c ON c.uid = r.src
        WHERE r.dst = i.personId AND c.consentMarketing = 0) AS consent_no,
       EXISTS (SELECT 1 FROM resolves_to r JOIN referred f ON f.src = r.src
               WHERE r.dst = i.personId AND f.selfReferral = 1) AS self_referral,
       i.run AS run
FROM person_influence i LEFT JOIN in_community ic ON ic.src = i.personId
ORDER BY rank
