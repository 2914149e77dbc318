-- Person-level social links of one kind derived again from the record-level ones (those of
-- before go first): one relationship per pair of persons with the links' count, total weight
-- and earliest time; links within a person are left out.
-- slots: {{rel}} — FOLLOWS, FRIENDS_WITH or INTERACTS_WITH (table person_<rel>)
-- $params: none
-- returns: nothing
DELETE FROM person_{{rel}};
INSERT INTO person_{{rel}} (src, dst, count, weight, since)
SELECT pa.dst, pb.dst, count(*), sum(coalesce(r.weight, 1.0)), min(r.since)
FROM {{rel}} r
JOIN resolves_to pa ON pa.src = r.src
JOIN resolves_to pb ON pb.src = r.dst
WHERE pa.dst <> pb.dst
GROUP BY pa.dst, pb.dst
