-- Why a record belongs to its person: every member record, and the matches among them with
-- rule, score and per-field evidence.
-- $params: $uid (the record's uid)
-- returns: personId, uid, confidence, matchedWith, score, rule, evidence — one row per member
--          and match (matchedWith null for a member with no match of its own)
SELECT p.dst AS personId, m.src AS uid, m.confidence AS confidence, x.dst AS matchedWith,
       x.score AS score, x.rule AS rule, x.evidence AS evidence
FROM resolves_to p
JOIN resolves_to m ON m.dst = p.dst
LEFT JOIN matches x ON x.src = m.src
  AND x.dst IN (SELECT src FROM resolves_to WHERE dst = p.dst)
WHERE p.src = :uid
ORDER BY uid, matchedWith
