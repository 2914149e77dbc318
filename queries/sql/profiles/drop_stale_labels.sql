-- Remove the segments and tags a profile run did not write, with their memberships: the last
-- step of the write-back, in its transaction (the run's own were written by
-- profiles/write_segments and profiles/write_tags before it).
-- $params: $run — the run writing the current ones
-- returns: nothing
DELETE FROM has_tag WHERE dst IN (SELECT name FROM tag WHERE run IS NOT :run);
DELETE FROM in_segment WHERE dst IN (SELECT name FROM segment WHERE run IS NOT :run);
DELETE FROM tag WHERE run IS NOT :run;
DELETE FROM segment WHERE run IS NOT :run
