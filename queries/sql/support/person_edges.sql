-- Every person-level edge (tests compare bounded reads with it; the jobs read their own).
-- $params: none
-- returns: src, dst (person ids), kind (REFERRED | FOLLOWS | FRIENDS_WITH | INTERACTS_WITH),
--          weight (social: summed weight; referrals: how many record referrals), at (referral
--          time, null for social links)
SELECT src, dst, kind, weight, at FROM (
  SELECT src, dst, 'REFERRED' AS kind, CAST(count AS REAL) AS weight, at FROM person_referred
  UNION ALL SELECT src, dst, 'FOLLOWS', weight, NULL FROM person_follows
  UNION ALL SELECT src, dst, 'FRIENDS_WITH', weight, NULL FROM person_friends_with
  UNION ALL SELECT src, dst, 'INTERACTS_WITH', weight, NULL FROM person_interacts_with
)
ORDER BY src, dst, kind
