-- Point each record at its person (replacing its previous RESOLVES_TO), with the record's
-- hashed blocking keys (graph.identity.keys); null keys keep the ones it had.
-- $params: $rows — each {uid, personId, run, confidence, keys (bytes or null)}
-- returns: nothing
INSERT INTO resolves_to (src, dst, run, confidence, keys)
VALUES (:uid, :personId, :run, :confidence, :keys)
ON CONFLICT (src) DO UPDATE SET dst = excluded.dst, run = excluded.run,
  confidence = excluded.confidence, keys = coalesce(excluded.keys, resolves_to.keys)
