// Which of some person ids a person holds or once held (live, merged away or split off),
// so a new person never gets one of them.
// $params: $personIds (a list)
// returns: personId
UNWIND $personIds AS id
WITH id
WHERE EXISTS { MATCH (:Person {personId: id}) }
   OR EXISTS { MATCH (:IdentityEvent {personId: id}) }
   OR EXISTS { MATCH (:IdentityEvent {otherId: id}) }
RETURN id AS personId
