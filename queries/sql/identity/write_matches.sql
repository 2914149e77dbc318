-- Record why records were merged: one MATCHES per kept pair with its rule, score and
-- per-field evidence (JSON text).
-- $params: $rows — each {src, dst, score, rule, evidence}
-- returns: nothing
INSERT INTO matches (src, dst, score, rule, evidence) VALUES (:src, :dst, :score, :rule, :evidence)
ON CONFLICT (src, dst) DO UPDATE SET score = excluded.score, rule = excluded.rule,
  evidence = excluded.evidence
