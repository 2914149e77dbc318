-- Store the model segments with their plain-word description and centroid.
-- $params: $rows — each {name, description, size, centroid (JSON text), run}
-- returns: nothing
INSERT INTO segment (name, description, size, centroid, run)
VALUES (:name, :description, :size, :centroid, :run)
ON CONFLICT (name) DO UPDATE SET description = excluded.description, size = excluded.size,
  centroid = excluded.centroid, run = excluded.run
