-- Add person-level social links of one kind directly (benchmarks and imports of an existing
-- person graph; the identity job derives them from record-level links instead).
-- slots: {{rel}} — FOLLOWS, FRIENDS_WITH or INTERACTS_WITH (table person_<rel>)
-- $params: $rows — each {src, dst, count, weight}
-- returns: nothing
INSERT INTO person_{{rel}} (src, dst, count, weight) VALUES (:src, :dst, :count, :weight)
ON CONFLICT (src, dst) DO UPDATE SET count = excluded.count, weight = excluded.weight
