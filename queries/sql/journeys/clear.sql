-- Remove the journeys job's results (paths, attribution, transitions, per-person behaviour)
-- before a run writes its own, in the same transaction.
-- $params: none
-- returns: nothing
DELETE FROM journey_path;
DELETE FROM attribution;
DELETE FROM channel_transition;
DELETE FROM person_behaviour
