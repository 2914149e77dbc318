-- Every node within $depth hops of a record, in any direction, with its distance.
-- $params: $uid (the record's uid), $depth (1..3)
-- returns: label (primary label), key, hops — ordered by hops, label, key
WITH RECURSIVE walk (label, key, hops) AS (
  SELECT 'Customer', :uid, 0 WHERE EXISTS (SELECT 1 FROM customer WHERE uid = :uid)
  UNION
  SELECT e.dstLabel, e.dst, w.hops + 1
  FROM walk w JOIN edge_all e ON e.srcLabel = w.label AND e.src = w.key
  WHERE w.hops < :depth
  UNION
  SELECT e.srcLabel, e.src, w.hops + 1
  FROM walk w JOIN edge_all e ON e.dstLabel = w.label AND e.dst = w.key
  WHERE w.hops < :depth
)
SELECT label, key, min(hops) AS hops
FROM walk
WHERE NOT (label = 'Customer' AND key = :uid)
GROUP BY label, key
ORDER BY hops, label, key
