-- The first-order transitions between channels of the last journeys run.
-- $params: none
-- returns: from, to, journeys, probability
SELECT src AS "from", dst AS "to", journeys, probability
FROM channel_transition
ORDER BY src, dst
