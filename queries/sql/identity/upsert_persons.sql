-- Insert or update persons; createdAt is set once, when the person first appears.
-- $params: $rows — each {personId, size, run, at}
-- returns: nothing
INSERT INTO person (personId, createdAt, updatedAt, size, run)
VALUES (:personId, :at, :at, :size, :run)
ON CONFLICT (personId) DO UPDATE SET size = excluded.size, run = excluded.run,
  updatedAt = excluded.updatedAt
