-- The accepted matches among one person's records: why they were merged.
-- $params: $personId
-- returns: a, b (record uids), score, rule, evidence (JSON text: per-field level and bits)
SELECT m.src AS a, m.dst AS b, m.score AS score, m.rule AS rule, m.evidence AS evidence
FROM matches m
JOIN resolves_to ra ON ra.src = m.src AND ra.dst = :personId
JOIN resolves_to rb ON rb.src = m.dst AND rb.dst = :personId
ORDER BY a, b
