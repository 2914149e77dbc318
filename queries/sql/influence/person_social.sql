-- The person graph for the influence and community jobs, part 2: person-level social links
-- of one kind, in no particular order (the projection sorts every edge).
-- slots: {{rel}} — FOLLOWS, FRIENDS_WITH or INTERACTS_WITH (table person_<rel>)
-- $params: none
-- returns: src, dst (person ids), weight (the links' summed weight)
-- mode: typed — one type per column: read straight into Arrow columns
SELECT src, dst, weight FROM person_{{rel}}
