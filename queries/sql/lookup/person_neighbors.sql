-- The persons linked to some persons (one hop of a neighborhood), first by id, leaving out
-- those already seen.
-- $params: $personIds (a list), $rels (a list of REFERRED, FOLLOWS, FRIENDS_WITH,
--          INTERACTS_WITH), $exclude (person ids to leave out), $limit
-- returns: personId — distinct, ordered, at most $limit
SELECT personId FROM (
  SELECT dst AS personId FROM person_referred WHERE 'REFERRED' IN (SELECT value FROM json_each(:rels)) AND src IN (SELECT value FROM json_each(:personIds))
  UNION
  SELECT src FROM person_referred WHERE 'REFERRED' IN (SELECT value FROM json_each(:rels)) AND dst IN (SELECT value FROM json_each(:personIds))
  UNION
  SELECT dst AS personId FROM person_follows WHERE 'FOLLOWS' IN (SELECT value FROM json_each(:rels)) AND src IN (SELECT value FROM json_each(:personIds))
  UNION
  SELECT src FROM person_follows WHERE 'FOLLOWS' IN (SELECT value FROM json_each(:rels)) AND dst IN (SELECT value FROM json_each(:personIds))
  UNION
  SELECT dst AS personId FROM person_friends_with WHERE 'FRIENDS_WITH' IN (SELECT value FROM json_each(:rels)) AND src IN (SELECT value FROM json_each(:personIds))
  UNION
  SELECT src FROM person_friends_with WHERE 'FRIENDS_WITH' IN (SELECT value FROM json_each(:rels)) AND dst IN (SELECT value FROM json_each(:personIds))
  UNION
  SELECT dst AS personId FROM person_interacts_with WHERE 'INTERACTS_WITH' IN (SELECT value FROM json_each(:rels)) AND src IN (SELECT value FROM json_each(:personIds))
  UNION
  SELECT src FROM person_interacts_with WHERE 'INTERACTS_WITH' IN (SELECT value FROM json_each(:rels)) AND dst IN (SELECT value FROM json_each(:personIds))
)
WHERE personId NOT IN (SELECT value FROM json_each(:exclude))
ORDER BY personId
LIMIT :limit
