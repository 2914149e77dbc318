-- Store the credits of every attribution model of a journeys run.
-- $params: $rows — each {model, channelId, conversions, revenue, share, run}
-- returns: nothing
INSERT INTO attribution (model, channelId, conversions, revenue, share, run)
VALUES (:model, :channelId, :conversions, :revenue, :share, :run)
