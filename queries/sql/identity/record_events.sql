-- Append lineage events of a run: new, merge, split, retire.
-- $params: $rows — each {eventId, run, at, event, personId, otherId}
-- returns: nothing
INSERT INTO identity_event (eventId, run, at, event, personId, otherId)
VALUES (:eventId, :run, :at, :event, :personId, :otherId)
ON CONFLICT (eventId) DO NOTHING
