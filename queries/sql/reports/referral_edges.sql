-- The person-level referral edges within three hops of the given persons: all the report
-- needs to draw their referral trees (it read every link of the graph for them before).
-- $params: $roots (a list of person ids)
-- returns: src, dst (person ids), kind ('REFERRED')
WITH RECURSIVE reach (personId, depth) AS (
  SELECT value, 0 FROM json_each(:roots)
  UNION
  SELECT r.dst, reach.depth + 1
  FROM person_referred r JOIN reach ON r.src = reach.personId
  WHERE reach.depth < 2
)
SELECT DISTINCT r.src AS src, r.dst AS dst, 'REFERRED' AS kind
FROM person_referred r
WHERE r.src IN (SELECT personId FROM reach)
ORDER BY src, dst
