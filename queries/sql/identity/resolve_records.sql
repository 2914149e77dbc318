-- Point each record at its person (replacing its previous RESOLVES_TO).
-- $params: $rows — each {uid, personId, run, confidence}
-- returns: nothing
INSERT INTO resolves_to (src, dst, run, confidence) VALUES (:uid, :personId, :run, :confidence)
ON CONFLICT (src) DO UPDATE SET dst = excluded.dst, run = excluded.run,
  confidence = excluded.confidence
