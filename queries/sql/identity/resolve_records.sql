-- Point each record at its person (replacing its previous RESOLVES_TO), with the record's
-- hashed blocking keys (graph.identity.keys); null keys keep the ones it had. A record
-- erased while the job ran is not brought back (its person, left empty, is pruned).
-- $params: $rows — each {uid, personId, run, confidence, keys (bytes or null)}
-- returns: nothing
INSERT INTO resolves_to (src, dst, run, confidence, keys)
SELECT :uid, :personId, :run, :confidence, :keys
WHERE EXISTS (SELECT 1 FROM customer WHERE uid = :uid)
ON CONFLICT (src) DO UPDATE SET dst = excluded.dst, run = excluded.run,
  confidence = excluded.confidence, keys = coalesce(excluded.keys, resolves_to.keys)
