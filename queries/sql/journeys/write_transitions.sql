-- Store the first-order transitions between channels (with (start), (conversion) and
-- (null)) of a journeys run.
-- $params: $rows — each {from, to, journeys, probability, run}
-- returns: nothing
INSERT INTO channel_transition (src, dst, journeys, probability, run)
VALUES (:from, :to, :journeys, :probability, :run)
