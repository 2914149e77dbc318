-- Each person's current community (to keep community ids stable across runs).
-- $params: none
-- returns: personId, communityId
SELECT src AS personId, dst AS communityId FROM in_community
