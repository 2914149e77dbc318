-- Remove every tag and segment (nodes and memberships) before a profile run writes new ones.
-- $params: none
-- returns: nothing
DELETE FROM has_tag;
DELETE FROM in_segment;
DELETE FROM tag;
DELETE FROM segment
