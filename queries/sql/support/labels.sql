-- Every segment and tag, with the persons who carry it (none for a label nobody carries):
-- tests compare them with the profiles that name them.
-- $params: none
-- returns: kind ('Segment' or 'Tag'), name, run, personId (null when nobody carries it)
SELECT 'Segment' AS kind, s.name AS name, s.run AS run, m.src AS personId
FROM segment s LEFT JOIN in_segment m ON m.dst = s.name
UNION ALL
SELECT 'Tag', t.name, t.run, m.src FROM tag t LEFT JOIN has_tag m ON m.dst = t.name
ORDER BY kind, name, personId
