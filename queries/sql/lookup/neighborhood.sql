-- A person's neighborhood in one query: persons within $depth hops over person-level links
-- of the wanted types, nearest first and then by id, at most $cap in all (the centre
-- included); the links among them; and whether the cap cut anything off.
-- $params: $personId, $rels (a list of REFERRED, FOLLOWS, FRIENDS_WITH, INTERACTS_WITH),
--          $depth (1..3), $cap (at least 1)
-- returns: nodes (JSON list of {id, hops, size, influenceRank, communityId, rfmSegment,
--          segment, churnRisk}, by hops then id), links (JSON list of {src, dst, type,
--          weight}), truncated (true when the cap cut persons off)
WITH
wanted (t) AS (SELECT value FROM json_each(:rels)),
l0 (id) AS (SELECT personId FROM person WHERE personId = :personId),
f1 (id) AS MATERIALIZED (
  SELECT id FROM (
    SELECT dst AS id FROM person_referred WHERE src IN (SELECT id FROM l0) AND 'REFERRED' IN (SELECT t FROM wanted)
    UNION
    SELECT src FROM person_referred WHERE dst IN (SELECT id FROM l0) AND 'REFERRED' IN (SELECT t FROM wanted)
    UNION
    SELECT dst AS id FROM person_follows WHERE src IN (SELECT id FROM l0) AND 'FOLLOWS' IN (SELECT t FROM wanted)
    UNION
    SELECT src FROM person_follows WHERE dst IN (SELECT id FROM l0) AND 'FOLLOWS' IN (SELECT t FROM wanted)
    UNION
    SELECT dst AS id FROM person_friends_with WHERE src IN (SELECT id FROM l0) AND 'FRIENDS_WITH' IN (SELECT t FROM wanted)
    UNION
    SELECT src FROM person_friends_with WHERE dst IN (SELECT id FROM l0) AND 'FRIENDS_WITH' IN (SELECT t FROM wanted)
    UNION
    SELECT dst AS id FROM person_interacts_with WHERE src IN (SELECT id FROM l0) AND 'INTERACTS_WITH' IN (SELECT t FROM wanted)
    UNION
    SELECT src FROM person_interacts_with WHERE dst IN (SELECT id FROM l0) AND 'INTERACTS_WITH' IN (SELECT t FROM wanted)
  ) WHERE :depth >= 1 AND id <> :personId ORDER BY id LIMIT :cap),
l1 (id) AS MATERIALIZED (SELECT id FROM f1 ORDER BY id LIMIT :cap - 1),
f2 (id) AS MATERIALIZED (
  SELECT id FROM (
    SELECT dst AS id FROM person_referred WHERE src IN (SELECT id FROM l1) AND 'REFERRED' IN (SELECT t FROM wanted)
    UNION
    SELECT src FROM person_referred WHERE dst IN (SELECT id FROM l1) AND 'REFERRED' IN (SELECT t FROM wanted)
    UNION
    SELECT dst AS id FROM person_follows WHERE src IN (SELECT id FROM l1) AND 'FOLLOWS' IN (SELECT t FROM wanted)
    UNION
    SELECT src FROM person_follows WHERE dst IN (SELECT id FROM l1) AND 'FOLLOWS' IN (SELECT t FROM wanted)
    UNION
    SELECT dst AS id FROM person_friends_with WHERE src IN (SELECT id FROM l1) AND 'FRIENDS_WITH' IN (SELECT t FROM wanted)
    UNION
    SELECT src FROM person_friends_with WHERE dst IN (SELECT id FROM l1) AND 'FRIENDS_WITH' IN (SELECT t FROM wanted)
    UNION
    SELECT dst AS id FROM person_interacts_with WHERE src IN (SELECT id FROM l1) AND 'INTERACTS_WITH' IN (SELECT t FROM wanted)
    UNION
    SELECT src FROM person_interacts_with WHERE dst IN (SELECT id FROM l1) AND 'INTERACTS_WITH' IN (SELECT t FROM wanted)
  ) WHERE :depth >= 2 AND (SELECT count(*) FROM f1) < :cap
    AND id <> :personId AND id NOT IN (SELECT id FROM l1)
  ORDER BY id LIMIT :cap - (SELECT count(*) FROM l1)),
l2 (id) AS MATERIALIZED (
  SELECT id FROM f2 ORDER BY id LIMIT :cap - 1 - (SELECT count(*) FROM l1)),
f3 (id) AS MATERIALIZED (
  SELECT id FROM (
    SELECT dst AS id FROM person_referred WHERE src IN (SELECT id FROM l2) AND 'REFERRED' IN (SELECT t FROM wanted)
    UNION
    SELECT src FROM person_referred WHERE dst IN (SELECT id FROM l2) AND 'REFERRED' IN (SELECT t FROM wanted)
    UNION
    SELECT dst AS id FROM person_follows WHERE src IN (SELECT id FROM l2) AND 'FOLLOWS' IN (SELECT t FROM wanted)
    UNION
    SELECT src FROM person_follows WHERE dst IN (SELECT id FROM l2) AND 'FOLLOWS' IN (SELECT t FROM wanted)
    UNION
    SELECT dst AS id FROM person_friends_with WHERE src IN (SELECT id FROM l2) AND 'FRIENDS_WITH' IN (SELECT t FROM wanted)
    UNION
    SELECT src FROM person_friends_with WHERE dst IN (SELECT id FROM l2) AND 'FRIENDS_WITH' IN (SELECT t FROM wanted)
    UNION
    SELECT dst AS id FROM person_interacts_with WHERE src IN (SELECT id FROM l2) AND 'INTERACTS_WITH' IN (SELECT t FROM wanted)
    UNION
    SELECT src FROM person_interacts_with WHERE dst IN (SELECT id FROM l2) AND 'INTERACTS_WITH' IN (SELECT t FROM wanted)
  ) WHERE :depth >= 3 AND (SELECT count(*) FROM f2) + (SELECT count(*) FROM l1) < :cap
    AND id <> :personId AND id NOT IN (SELECT id FROM l1) AND id NOT IN (SELECT id FROM l2)
  ORDER BY id LIMIT :cap - (SELECT count(*) FROM l1) - (SELECT count(*) FROM l2)),
l3 (id) AS MATERIALIZED (
  SELECT id FROM f3 ORDER BY id
  LIMIT :cap - 1 - (SELECT count(*) FROM l1) - (SELECT count(*) FROM l2)),
chosen (id, hops) AS MATERIALIZED (
  SELECT id, 0 FROM l0 UNION ALL SELECT id, 1 FROM l1
  UNION ALL SELECT id, 2 FROM l2 UNION ALL SELECT id, 3 FROM l3),
edges AS (
  SELECT e.src, e.dst, 'REFERRED' AS type, CAST(coalesce(e.count, 1) AS REAL) AS weight
  FROM chosen a CROSS JOIN person_referred e ON e.src = a.id
  WHERE 'REFERRED' IN (SELECT t FROM wanted) AND +e.dst IN (SELECT id FROM chosen)
  UNION ALL
  SELECT e.src, e.dst, 'FOLLOWS' AS type, CAST(coalesce(e.weight, 1) AS REAL) AS weight
  FROM chosen a CROSS JOIN person_follows e ON e.src = a.id
  WHERE 'FOLLOWS' IN (SELECT t FROM wanted) AND +e.dst IN (SELECT id FROM chosen)
  UNION ALL
  SELECT e.src, e.dst, 'FRIENDS_WITH' AS type, CAST(coalesce(e.weight, 1) AS REAL) AS weight
  FROM chosen a CROSS JOIN person_friends_with e ON e.src = a.id
  WHERE 'FRIENDS_WITH' IN (SELECT t FROM wanted) AND +e.dst IN (SELECT id FROM chosen)
  UNION ALL
  SELECT e.src, e.dst, 'INTERACTS_WITH' AS type, CAST(coalesce(e.weight, 1) AS REAL) AS weight
  FROM chosen a CROSS JOIN person_interacts_with e ON e.src = a.id
  WHERE 'INTERACTS_WITH' IN (SELECT t FROM wanted) AND +e.dst IN (SELECT id FROM chosen)
)
SELECT
  (SELECT json_group_array(json_object('id', c.id, 'hops', c.hops, 'size', p.size,
          'influenceRank', i.rank, 'communityId', ic.dst, 'rfmSegment', pp.rfmSegment,
          'segment', pp.segment, 'churnRisk', pp.churnRisk))
   FROM (SELECT id, hops FROM chosen ORDER BY hops, id) c
   JOIN person p ON p.personId = c.id
   LEFT JOIN person_influence i ON i.personId = c.id
   LEFT JOIN in_community ic ON ic.src = c.id
   LEFT JOIN person_profile pp ON pp.personId = c.id) AS nodes,
  (SELECT json_group_array(json_object('src', src, 'dst', dst, 'type', type, 'weight', weight))
   FROM (SELECT * FROM edges ORDER BY src, dst, type)) AS links,
  ((SELECT count(*) FROM f1) > (SELECT count(*) FROM l1)
   OR (SELECT count(*) FROM f2) > (SELECT count(*) FROM l2)
   OR (SELECT count(*) FROM f3) > (SELECT count(*) FROM l3)) AS truncated
