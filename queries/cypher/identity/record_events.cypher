// Append lineage events of a run: new, merge, split, retire.
// $params: $rows — each {eventId, run, at, event, personId, otherId}
// returns: nothing
UNWIND $rows AS row
MERGE (e:IdentityEvent {eventId: row.eventId})
SET e.run = row.run, e.at = row.at, e.event = row.event, e.personId = row.personId,
    e.otherId = row.otherId
