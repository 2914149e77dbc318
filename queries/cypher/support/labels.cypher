// Every segment and tag, with the persons who carry it (none for a label nobody carries):
// tests compare them with the profiles that name them.
// $params: none
// returns: kind ('Segment' or 'Tag'), name, run, personId (null when nobody carries it)
MATCH (n)
WHERE n:Segment OR n:Tag
OPTIONAL MATCH (p:Person)-[:IN_SEGMENT|HAS_TAG]->(n)
RETURN CASE WHEN n:Segment THEN 'Segment' ELSE 'Tag' END AS kind, n.name AS name,
       n.run AS run, p.personId AS personId
ORDER BY kind, name, personId
