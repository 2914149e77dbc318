-- Store the rule tags: the rule, whether it is a marketing tag, and how many persons carry it.
-- $params: $rows — each {name, rule, marketing, description, size, run}
-- returns: nothing
INSERT INTO tag (name, rule, marketing, description, size, run)
VALUES (:name, :rule, :marketing, :description, :size, :run)
ON CONFLICT (name) DO UPDATE SET rule = excluded.rule, marketing = excluded.marketing,
  description = excluded.description, size = excluded.size, run = excluded.run
