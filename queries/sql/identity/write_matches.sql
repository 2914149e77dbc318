-- Record why records were merged: one MATCHES per kept pair with its rule, score and
-- per-field evidence (JSON text); none for a record erased while the job ran.
-- $params: $rows — each {src, dst, score, rule, evidence}
-- returns: nothing
INSERT INTO matches (src, dst, score, rule, evidence)
SELECT :src, :dst, :score, :rule, :evidence
WHERE EXISTS (SELECT 1 FROM customer WHERE uid = :src)
  AND EXISTS (SELECT 1 FROM customer WHERE uid = :dst)
ON CONFLICT (src, dst) DO UPDATE SET score = excluded.score, rule = excluded.rule,
  evidence = excluded.evidence
