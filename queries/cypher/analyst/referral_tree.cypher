// The referral tree below a person: everyone they brought in, directly or indirectly.
// $params: $person (person id), $depth (integer 1..5, default 3)
// returns: referred, level, referred_by, revenue (spend of the referred person), path (the
// shortest chain of referrals from the person: together the rows draw the tree)
:param depth => 3;
MATCH path = (root:Person {personId: $person})-[:REFERRED*1..5]->(p:Person)
WHERE length(path) <= $depth
WITH p, path ORDER BY length(path)
WITH p, collect(path)[0] AS path
RETURN p.personId AS referred, length(path) AS level, nodes(path)[-2].personId AS referred_by,
       coalesce(p.monetary, 0.0) AS revenue, path
ORDER BY level, referred
