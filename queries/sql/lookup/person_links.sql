-- The person-level links among some persons, of some types (the edges of a neighborhood).
-- $params: $personIds (a list), $rels (a list of REFERRED, FOLLOWS, FRIENDS_WITH, INTERACTS_WITH)
-- returns: src, dst, type, weight (social: summed weight; referrals: count) — ordered.
-- (`+e.dst` keeps SQLite walking each src range instead of probing every src × dst pair.)
WITH ids (id) AS MATERIALIZED (SELECT DISTINCT value FROM json_each(:personIds))
SELECT src, dst, type, weight FROM (
  SELECT e.src, e.dst, 'REFERRED' AS type, CAST(coalesce(e.count, 1) AS REAL) AS weight
  FROM ids a CROSS JOIN person_referred e ON e.src = a.id
  WHERE 'REFERRED' IN (SELECT value FROM json_each(:rels)) AND +e.dst IN (SELECT id FROM ids)
  UNION ALL
  SELECT e.src, e.dst, 'FOLLOWS' AS type, CAST(coalesce(e.weight, 1) AS REAL) AS weight
  FROM ids a CROSS JOIN person_follows e ON e.src = a.id
  WHERE 'FOLLOWS' IN (SELECT value FROM json_each(:rels)) AND +e.dst IN (SELECT id FROM ids)
  UNION ALL
  SELECT e.src, e.dst, 'FRIENDS_WITH' AS type, CAST(coalesce(e.weight, 1) AS REAL) AS weight
  FROM ids a CROSS JOIN person_friends_with e ON e.src = a.id
  WHERE 'FRIENDS_WITH' IN (SELECT value FROM json_each(:rels)) AND +e.dst IN (SELECT id FROM ids)
  UNION ALL
  SELECT e.src, e.dst, 'INTERACTS_WITH' AS type, CAST(coalesce(e.weight, 1) AS REAL) AS weight
  FROM ids a CROSS JOIN person_interacts_with e ON e.src = a.id
  WHERE 'INTERACTS_WITH' IN (SELECT value FROM json_each(:rels)) AND +e.dst IN (SELECT id FROM ids)
)
ORDER BY src, dst, type
