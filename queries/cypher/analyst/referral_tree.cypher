// The referral tree below a person: everyone they brought in, directly or indirectly.
// $params: $person (person id), $depth (integer 1..5, default 3)
// returns: referred, level, referred_by, revenue (spend of the referred person)
MATCH path = (root:Person {personId: $person})-[:REFERRED*1..5]->(p:Person)
WHERE length(path) <= coalesce($depth, 3)
WITH p, min(length(path)) AS level, last(nodes(path)[..-1]) AS parent
RETURN p.personId AS referred, level, parent.personId AS referred_by,
       coalesce(p.monetary, 0.0) AS revenue
ORDER BY level, referred
