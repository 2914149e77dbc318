-- Upgrade an embedded store of schema version 1 to 2 (then schema/migrate_2, schema/create).
-- Version 1 declared the tag and segment tables without the columns profiles write; no
-- version-1 job ever wrote them, so they are dropped and schema/create makes them anew.
-- $params: none
-- returns: nothing
DROP TABLE IF EXISTS has_tag;
DROP TABLE IF EXISTS in_segment;
DROP TABLE IF EXISTS tag;
DROP TABLE IF EXISTS segment
