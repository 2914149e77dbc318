-- Delete those of some persons that no record resolves to any more (an incremental run's
-- merges), with what was derived from them; lineage keeps their ids.
-- $params: $personIds (a list)
-- returns: nothing
CREATE TEMP TABLE IF NOT EXISTS gone_person (personId TEXT PRIMARY KEY);
DELETE FROM gone_person;
INSERT OR IGNORE INTO gone_person (personId)
SELECT value FROM json_each(:personIds)
WHERE NOT EXISTS (SELECT 1 FROM resolves_to WHERE dst = json_each.value);
DELETE FROM in_community WHERE src IN (SELECT personId FROM gone_person);
DELETE FROM has_tag WHERE src IN (SELECT personId FROM gone_person);
DELETE FROM in_segment WHERE src IN (SELECT personId FROM gone_person);
DELETE FROM person_influence WHERE personId IN (SELECT personId FROM gone_person);
DELETE FROM person_profile WHERE personId IN (SELECT personId FROM gone_person);
DELETE FROM person WHERE personId IN (SELECT personId FROM gone_person);
DELETE FROM gone_person
