-- Upgrade an embedded store of schema version 5 to 6 (run before schema/create): the record
-- key's second part is called sourceCustomerId in every layer's graph spelling (it was
-- sourceId in the store and sourceCustomerId in every answer). The view edge_all goes first
-- (schema/create makes it again): SQLite checks every view when a column is renamed, and an
-- older file's view may name a table an earlier step dropped.
-- $params: none
-- returns: nothing
DROP VIEW IF EXISTS edge_all;
ALTER TABLE customer RENAME COLUMN sourceId TO sourceCustomerId
