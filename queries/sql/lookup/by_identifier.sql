-- The persons whose records carry an identifier (an e-mail, a phone, …).
-- $params: $key (kind:normalised value, e.g. email:ann@example.com)
-- returns: personId, records (how many of its records carry it) — most records first
SELECT r.dst AS personId, count(*) AS records
FROM has_identifier h JOIN resolves_to r ON r.src = h.src
WHERE h.dst = :key
GROUP BY r.dst
ORDER BY records DESC, personId
