-- Which of some person ids a person holds or once held (live, merged away or split off),
-- so a new person never gets one of them.
-- $params: $personIds (a list)
-- returns: personId
SELECT value AS personId FROM json_each(:personIds) ids
WHERE EXISTS (SELECT 1 FROM person WHERE personId = ids.value)
   OR EXISTS (SELECT 1 FROM identity_event WHERE personId = ids.value)
   OR EXISTS (SELECT 1 FROM identity_event WHERE otherId = ids.value)
